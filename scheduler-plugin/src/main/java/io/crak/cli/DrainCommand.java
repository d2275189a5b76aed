package io.crak.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.agent.AgentProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crak drain NODE}: root only. */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = "Drain a node (root only): it takes no new jobs and every job on it is migrated elsewhere. "
                + "A drained node takes jobs again when its agent restarts.")
public final class DrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentCall agent;

    @Parameters(paramLabel = "NODE", description = "the node to drain")
    String node;

    @Override
    public Integer call() throws Exception {
        return AgentCall.run(spec.commandLine().getErr(), () -> {
            ObjectNode req = AgentProtocol.request("drain");
            req.put("node", node);
            ObjectNode r = agent.call(req);
            System.out.println("node " + node + " draining; migrating jobs " + r.get("jobs"));
        });
    }
}
