package io.crak.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;

/** {@code crak checkpoint JOB}: Checkpoint a running job now; it keeps running. Waits for the generation and prints it. Only the job's owner or root may. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true, description = "Checkpoint a running job now; it keeps running. Waits for the generation and prints it. Only the job's owner or root may.")
public final class CheckpointCommand extends JobActionCommand {
    @Override
    String action() {
        return "checkpoint";
    }

    @Override
    String report(ObjectNode reply) {
        return "generation " + reply.get("generation").asLong() + " committed";
    }
}
