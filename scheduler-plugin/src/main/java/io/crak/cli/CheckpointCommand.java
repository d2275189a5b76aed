package io.crak.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.agent.AgentProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crak checkpoint JOB}: Checkpoint a running job now; it keeps running. Waits for the generation and prints it. Only the job's owner or root may. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true, description = "Checkpoint a running job now; it keeps running. Waits for the generation and prints it. Only the job's owner or root may.")
public final class CheckpointCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentCall agent;

    @Parameters(paramLabel = "JOB", description = "the job id")
    long job;

    @Override
    public Integer call() throws Exception {
        return AgentCall.run(spec.commandLine().getErr(), () -> {
            ObjectNode req = AgentProtocol.request("checkpoint");
            req.put("job", job);

            ObjectNode r = agent.call(req);
            System.out.println("job " + job + ": generation " + r.get("generation").asLong() + " committed");
        });
    }
}
