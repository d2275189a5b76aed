package io.crak.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.agent.AgentProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crak preempt JOB}: Preempt a running job: checkpoint it, stop it, and requeue it; it resumes when slots free up. Only the job's owner or root may. */
@Command(name = "preempt", mixinStandardHelpOptions = true, description = "Preempt a running job: checkpoint it, stop it, and requeue it; it resumes when slots free up. Only the job's owner or root may.")
public final class PreemptCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentCall agent;

    @Parameters(paramLabel = "JOB", description = "the job id")
    long job;

    @Override
    public Integer call() throws Exception {
        return AgentCall.run(spec.commandLine().getErr(), () -> {
            ObjectNode req = AgentProtocol.request("preempt");
            req.put("job", job);

            ObjectNode r = agent.call(req);
            System.out.println("job " + job + ": preemption requested");
        });
    }
}
