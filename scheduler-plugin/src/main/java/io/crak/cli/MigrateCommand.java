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

/** {@code crak migrate JOB}: Migrate a running job: checkpoint it, stop it, and restart it on NODE. Only the job's owner or root may. */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Migrate a running job: checkpoint it, stop it, and restart it on NODE. Only the job's owner or root may.")
public final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentCall agent;

    @Parameters(paramLabel = "JOB", description = "the job id")
    long job;

    @Option(names = "--node", required = true, paramLabel = "NODE", description = "the node to move it to")
    String node;

    @Override
    public Integer call() throws Exception {
        return AgentCall.run(spec.commandLine().getErr(), () -> {
            ObjectNode req = AgentProtocol.request("migrate");
            req.put("job", job);
            req.put("node", node);
            ObjectNode r = agent.call(req);
            System.out.println("job " + job + ": migration to " + node + " requested");
        });
    }
}
