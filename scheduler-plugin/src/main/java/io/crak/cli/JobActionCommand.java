package io.crak.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.agent.AgentProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A command that asks the agent to do one thing to one job ({@code crak ACTION JOB}) and prints
 * one line about the reply. Only the job's owner or root may: the agent checks the caller.
 */
abstract class JobActionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentCall agent;

    @Parameters(paramLabel = "JOB", description = "the job id")
    long job;

    /** The agent request type. */
    abstract String action();

    /** The line printed once the agent has done it. */
    abstract String report(ObjectNode reply);

    @Override
    public Integer call() throws Exception {
        return AgentCall.run(spec.commandLine().getErr(), () -> {
            ObjectNode req = AgentProtocol.request(action());
            req.put("job", job);
            System.out.println("job " + job + ": " + report(agent.call(req)));
        });
    }
}
