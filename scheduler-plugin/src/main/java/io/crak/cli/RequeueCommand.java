package io.crak.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.agent.AgentProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crak requeue JOB}: Bring a FAILED or CANCELLED job back, from the latest or a chosen generation, on any or a chosen node. Only the job's owner or root may. */
@Command(name = "requeue", mixinStandardHelpOptions = true, description = "Bring a FAILED or CANCELLED job back, from the latest or a chosen generation, on any or a chosen node. Only the job's owner or root may.")
public final class RequeueCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentCall agent;

    @Parameters(paramLabel = "JOB", description = "the job id")
    long job;

    @Option(names = "--generation", paramLabel = "G",
            description = "the generation to restart from (default: the latest accepted one; 0: from the start)")
    Long generation;

    @Option(names = "--node", paramLabel = "NODE", description = "the node to restart it on (default: any with free slots)")
    String node;

    @Override
    public Integer call() throws Exception {
        return AgentCall.run(spec.commandLine().getErr(), () -> {
            ObjectNode req = AgentProtocol.request("requeue");
            req.put("job", job);
            if (generation != null) {
                req.put("generation", generation);
            }
            req.put("node", node);
            ObjectNode r = agent.call(req);
            System.out.println("job " + job + ": requeued");
        });
    }
}
