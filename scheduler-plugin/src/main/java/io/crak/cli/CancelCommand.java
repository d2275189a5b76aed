package io.crak.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;

/** {@code crak cancel JOB}: Cancel a job: kill it if it runs; it becomes CANCELLED. Only the job's owner or root may. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job: kill it if it runs; it becomes CANCELLED. Only the job's owner or root may.")
public final class CancelCommand extends JobActionCommand {
    @Override
    String action() {
        return "cancel";
    }

    @Override
    String report(ObjectNode reply) {
        return "cancel requested";
    }
}
