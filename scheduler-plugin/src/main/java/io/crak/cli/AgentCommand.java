package io.crak.cli;

import io.crak.agent.Agent;
import io.crak.agent.AgentConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crak agent [--node NAME] [--slots K] [--config FILE]}: the node agent, one per node. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run this node's agent: it runs the jobs placed on this node, checkpoints them, and with "
                + "the other agents of a cluster (sharing PostgreSQL) restarts the jobs of nodes that die.",
            "Configuration keys and defaults: docs/controller.md. Stops cleanly on SIGTERM/SIGINT."})
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--node", paramLabel = "NAME", description = "this node's name (default: crak.node.name, else the host name)")
    String node;

    @Option(names = "--slots", paramLabel = "K", description = "job slots of this node (default: crak.node.slots, else the CPU count)")
    Integer slots;

    @Option(names = "--config", paramLabel = "FILE", description = "the agent's properties file")
    Path config;

    @Override
    public Integer call() throws Exception {
        AgentConfig c;
        try {
            c = AgentConfig.load(config, node, slots);
        } catch (IllegalArgumentException e) {
            System.err.println("crak agent: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        Agent agent = Agent.start(c);
        CountDownLatch left = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                agent.close();
            } catch (Exception e) {
                System.err.println("crak agent: leaving uncleanly: " + OneLineError.of(e));
            } finally {
                left.countDown();
            }
        }, "crak-agent-shutdown"));
        System.out.println("crak agent " + c.node() + " running (" + c.slots() + " slots, socket " + c.socket() + ")");
        System.out.flush();
        left.await();
        return Main.EXIT_OK;
    }
}
