package io.crak.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.agent.AgentClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Option;

/** The {@code --socket} option and the request/response round trip every cluster command shares. */
final class AgentCall {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Option(names = "--socket", paramLabel = "PATH",
            description = "the node agent's socket (default: $CRAK_AGENT_SOCKET, else /run/crak/agent.sock)")
    Path socket;

    /** Thrown when the agent refused or failed; carries the exit code. */
    static final class Failed extends Exception {
        final int exit;

        Failed(int exit, String message) {
            super(message);
            this.exit = exit;
        }
    }

    ObjectNode call(ObjectNode request) throws IOException, Failed {
        ObjectNode r = AgentClient.of(socket).call(request);
        if (!r.path("ok").asBoolean(false)) {
            throw new Failed(r.path("exit").asInt(Main.EXIT_FAILED), r.path("error").asText("the agent gave no reason"));
        }
        return r;
    }

    /** Runs {@code body}; an agent refusal becomes one error line and its exit code. */
    static int run(PrintWriter err, Body body) throws Exception {
        try {
            body.run();
            return Main.EXIT_OK;
        } catch (Failed f) {
            err.println("crak: " + f.getMessage());
            err.flush();
            return f.exit;
        }
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    static String time(ObjectNode row, String field) {
        return row.hasNonNull(field) ? TIME.format(Instant.ofEpochMilli(row.get(field).asLong())) : "-";
    }
}
