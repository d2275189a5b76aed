package io.crak.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.agent.AgentProtocol;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crak submit --checkpoint-every DUR [...] -- CMD...}: prints the new job's id. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit CMD as a job to the cluster; it runs as you on a node with free slots "
                + "(or waits PENDING) and is checkpointed every DUR. Prints the job id.")
public final class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentCall agent;

    @Option(names = "--checkpoint-every", required = true, paramLabel = "DUR", description = "e.g. 30s, 10m, 2h, 1h30m")
    String every;

    @Option(names = "--name", paramLabel = "N", description = "job name (default: the command's name)")
    String name;

    @Option(names = "--slots", paramLabel = "K", defaultValue = "1", description = "slots it needs (default: ${DEFAULT-VALUE})")
    int slots;

    @Option(names = "--priority", paramLabel = "P", defaultValue = "0",
            description = "higher runs first and may preempt lower (default: ${DEFAULT-VALUE})")
    int priority;

    @Option(names = "--requeue", paramLabel = "auto|never", defaultValue = "auto",
            description = "restart elsewhere when its node dies (auto) or fail (never); default: ${DEFAULT-VALUE}")
    String requeue;

    @Option(names = "--storage", paramLabel = "DIR", description = "shared storage root for its output and checkpoints "
            + "(default: the agent's crak.storage.root)")
    Path storage;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "the command and its arguments, after --")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        return AgentCall.run(spec.commandLine().getErr(), () -> {
            ObjectNode req = AgentProtocol.request("submit");
            req.put("checkpointEvery", every);
            req.put("name", name);
            req.put("slots", slots);
            req.put("priority", priority);
            req.put("requeue", requeue);
            req.put("storage", storage == null ? null : storage.toAbsolutePath().toString());
            req.put("cwd", Path.of("").toAbsolutePath().toString());
            ArrayNode cmd = req.putArray("command");
            command.forEach(cmd::add);
            System.out.println(agent.call(req).get("id").asLong());
        });
    }
}
