package io.crak.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code crak}: the one command line of Crak. Exit codes: 0 ok, 1 the job or operation failed,
 * 2 usage error. Every error is printed as one line, {@code crak: <what and why>}.
 */
@Command(name = "crak",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Transparent checkpoint/restart for long-running batch and HPC jobs.")
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    /**
     * The commands, in the order {@code crak --help} lists them. They are registered with picocli
     * here rather than in the annotation so that a command line naming one of them builds the
     * model of that one only: building all of them costs every crak invocation 150 ms.
     */
    static final List<Class<?>> COMMANDS = List.of(CommandLine.HelpCommand.class, DumpCommand.class,
            RestoreCommand.class, CheckCommand.class, HistoryCommand.class, VerifyCommand.class, RunCommand.class,
            AgentCommand.class, SubmitCommand.class, StatusCommand.class, CheckpointCommand.class, CancelCommand.class,
            NodesCommand.class, RequeueCommand.class, PreemptCommand.class, MigrateCommand.class, DrainCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see crak --help)");
    }

    /** The command line with every command. */
    public static CommandLine commandLine() {
        return commandLine(List.of());
    }

    /**
     * The command line for these arguments: with only the command they name when they start with
     * one (its options are all it parses), else with all of them (help, usage errors).
     */
    static CommandLine commandLine(List<String> args) {
        CommandLine cl = new CommandLine(new Main());
        String first = args.isEmpty() ? "" : args.get(0);
        boolean onlyFirst = !first.equals("help") && COMMANDS.stream().anyMatch(c -> nameOf(c).equals(first));
        for (Class<?> command : COMMANDS) {
            if (!onlyFirst || nameOf(command).equals(first)) {
                cl.addSubcommand(nameOf(command), command);
            }
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("crak: " + OneLineError.of(ex));
            cmd.getErr().flush();
            return EXIT_FAILED;
        });
        cl.setParameterExceptionHandler((ex, unparsed) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("crak " + cmd.getCommandName() + ": " + ex.getMessage()
                    + " (try 'crak " + (cmd.getParent() == null ? "" : cmd.getCommandName() + " ") + "--help')");
            cmd.getErr().flush();
            return EXIT_USAGE;
        });
        return cl;
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("restore")) {
            io.crak.core.image.ImageFormat.prepareInBackground();
        }
        System.exit(commandLine(List.of(args)).execute(args));
    }

    private static String nameOf(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }
}
