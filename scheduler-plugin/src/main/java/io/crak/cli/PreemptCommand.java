package io.crak.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;

/** {@code crak preempt JOB}: Preempt a running job: checkpoint it, stop it, and requeue it; it resumes when slots free up. Only the job's owner or root may. */
@Command(name = "preempt", mixinStandardHelpOptions = true, description = "Preempt a running job: checkpoint it, stop it, and requeue it; it resumes when slots free up. Only the job's owner or root may.")
public final class PreemptCommand extends JobActionCommand {
    @Override
    String action() {
        return "preempt";
    }

    @Override
    String report(ObjectNode reply) {
        return "preemption requested";
    }
}
