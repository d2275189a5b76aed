package io.crak.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code crak}: the one command line of Crak. Exit codes: 0 ok, 1 the job or operation failed,
 * 2 usage error. Every error is printed as one line, {@code crak: <what and why>}.
 */
@Command(name = "crak",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Transparent checkpoint/restart for long-running batch and HPC jobs.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DumpCommand.class,
            RestoreCommand.class,
            CheckCommand.class,
            HistoryCommand.class,
            VerifyCommand.class,
            RunCommand.class,
            AgentCommand.class,
            SubmitCommand.class,
            StatusCommand.class,
            CheckpointCommand.class,
            CancelCommand.class,
            NodesCommand.class,
            RequeueCommand.class,
            PreemptCommand.class,
            MigrateCommand.class,
            DrainCommand.class,
        })
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see crak --help)");
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("crak: " + OneLineError.of(ex));
            cmd.getErr().flush();
            return EXIT_FAILED;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("crak " + cmd.getCommandName() + ": " + ex.getMessage()
                    + " (try 'crak " + (cmd.getParent() == null ? "" : cmd.getCommandName() + " ") + "--help')");
            cmd.getErr().flush();
            return EXIT_USAGE;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
