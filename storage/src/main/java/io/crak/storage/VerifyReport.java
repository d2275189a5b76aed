package io.crak.storage;

import java.util.List;

/**
 * The result of verifying one generation and the chain it depends on.
 *
 * @param job        the job
 * @param generation the generation verified
 * @param chain      the generation and its ancestors as far as they could be read, newest first
 * @param problems   one line per problem found; empty when the generation is consistent
 */
public record VerifyReport(String job, long generation, List<Long> chain, List<String> problems) {
    public VerifyReport {
        chain = List.copyOf(chain);
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    /** "generation 7 of job J is consistent" or the first problem. */
    public String summary() {
        return ok() ? "generation " + generation + " of job " + job + " is consistent" : problems.get(0);
    }
}
