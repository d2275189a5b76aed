package io.crak.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.agent.AgentProtocol;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crak status [JOB]}: the job table; with JOB also its transitions and generations. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show jobs: id, name, owner, state, node, generation, last and next checkpoint. "
                + "With JOB, also every state transition (time, reason) and its accepted generations.")
public final class StatusCommand implements Callable<Integer> {
    static final String ROW = "%-6s %-16s %-10s %-13s %-10s %4s  %-14s %-14s%n";

    @Spec
    CommandSpec spec;

    @Mixin
    AgentCall agent;

    @Parameters(paramLabel = "JOB", arity = "0..1", description = "a job id")
    String job;

    @Override
    public Integer call() throws Exception {
        return AgentCall.run(spec.commandLine().getErr(), () -> {
            ObjectNode req = AgentProtocol.request("status");
            if (job != null) {
                req.put("job", job);
            }
            ObjectNode r = agent.call(req);
            PrintStream out = System.out;
            out.printf(ROW, "ID", "NAME", "OWNER", "STATE", "NODE", "GEN", "LAST CKPT", "NEXT CKPT");
            for (JsonNode j : r.get("jobs")) {
                ObjectNode o = (ObjectNode) j;
                out.printf(ROW, o.get("id").asText(), o.get("name").asText(), o.get("owner").asText(),
                        o.get("state").asText(), o.get("node").asText().isEmpty() ? "-" : o.get("node").asText(),
                        o.hasNonNull("generation") ? o.get("generation").asText() : "-",
                        AgentCall.time(o, "lastCheckpoint"), AgentCall.time(o, "nextCheckpoint"));
            }
            if (job != null) {
                ObjectNode o = (ObjectNode) r.get("jobs").get(0);
                out.println();
                out.println("priority " + o.get("priority").asInt() + ", slots " + o.get("slots").asInt() + ", epoch "
                        + o.get("epoch").asLong() + (o.hasNonNull("exitStatus") ? ", exit status " + o.get("exitStatus").asInt() : "")
                        + ", output in " + o.get("jobDir").asText());
                out.println();
                out.printf("%-14s %-13s %-13s %-10s %5s  %s%n", "TIME", "FROM", "TO", "NODE", "EPOCH", "REASON");
                for (JsonNode t : r.get("transitions")) {
                    out.printf("%-14s %-13s %-13s %-10s %5s  %s%n", AgentCall.time((ObjectNode) t, "at"),
                            t.get("from").asText().isEmpty() ? "-" : t.get("from").asText(), t.get("to").asText(),
                            t.get("node").asText().isEmpty() ? "-" : t.get("node").asText(), t.get("epoch").asText(),
                            t.get("reason").asText());
                }
                out.println();
                out.printf("%-6s %-14s %-10s %5s%n", "GEN", "COMMITTED", "NODE", "EPOCH");
                for (JsonNode g : r.get("generations")) {
                    out.printf("%-6s %-14s %-10s %5s%n", g.get("generation").asText(), AgentCall.time((ObjectNode) g, "at"),
                            g.get("node").asText(), g.get("epoch").asText());
                }
            }
        });
    }
}
