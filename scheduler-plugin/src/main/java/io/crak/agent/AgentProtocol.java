package io.crak.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The messages between the CLI and its node's agent: a request is a JSON object with {@code op}
 * and the operation's fields; a response has {@code ok}, and on failure {@code error} (one line)
 * and {@code exit} (the CLI's exit code: 1 operation failed, 2 usage error).
 */
public final class AgentProtocol {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    static final ObjectMapper JSON = new ObjectMapper();

    private AgentProtocol() {
    }

    public static ObjectNode request(String op) {
        ObjectNode n = JSON.createObjectNode();
        n.put("op", op);
        return n;
    }

    static ObjectNode ok() {
        ObjectNode n = JSON.createObjectNode();
        n.put("ok", true);
        return n;
    }

    static ObjectNode error(int exit, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ok", false);
        n.put("exit", exit);
        n.put("error", message.replace('\n', ' '));
        return n;
    }
}
