package io.crak.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.agent.AgentProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crak nodes}: every node agent known to the cluster. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "Show the cluster's nodes: state, slots used/total, jobs, since when, last Quartz check-in.")
public final class NodesCommand implements Callable<Integer> {
    static final String ROW = "%-12s %-9s %7s %5s  %-14s %-14s%n";

    @Spec
    CommandSpec spec;

    @Mixin
    AgentCall agent;

    @Override
    public Integer call() throws Exception {
        return AgentCall.run(spec.commandLine().getErr(), () -> {
            ObjectNode r = agent.call(AgentProtocol.request("nodes"));
            System.out.printf(ROW, "NODE", "STATE", "SLOTS", "JOBS", "SINCE", "LAST CHECK-IN");
            for (JsonNode n : r.get("nodes")) {
                System.out.printf(ROW, n.get("name").asText(), n.get("state").asText(),
                        n.get("used").asInt() + "/" + n.get("slots").asInt(), n.get("jobs").asText(),
                        AgentCall.time((ObjectNode) n, "since"), AgentCall.time((ObjectNode) n, "lastCheckin"));
            }
        });
    }
}
