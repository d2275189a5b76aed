package io.crak.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line: every command has --help; a command line naming one builds only that one. */
class MainTest {
    private static final int COMMAND_COUNT = 17;

    @Test
    void everyCommandIsListedAndHasHelp() {
        CommandLine all = Main.commandLine();
        assertEquals(COMMAND_COUNT, all.getSubcommands().size(), all.getSubcommands().keySet().toString());
        for (String name : all.getSubcommands().keySet()) {
            StringWriter out = new StringWriter();
            CommandLine cl = Main.commandLine(List.of(name));
            cl.setOut(new PrintWriter(out));
            assertEquals(0, cl.execute(name, "--help"), name);
            // picocli's own help command describes itself first
            assertTrue(out.toString().contains("Usage: crak " + name), name + ": " + out);
        }
    }

    @Test
    void aNamedCommandIsTheOnlyOneBuilt() {
        assertEquals(Set.of("restore"), Main.commandLine(List.of("restore", "--images", "x")).getSubcommands().keySet());
        assertEquals(Set.of("status"), Main.commandLine(List.of("status")).getSubcommands().keySet());
    }

    @Test
    void helpOptionsAndUnknownCommandsSeeAllCommands() {
        assertEquals(COMMAND_COUNT, Main.commandLine(List.of("help", "dump")).getSubcommands().size());
        assertEquals(COMMAND_COUNT, Main.commandLine(List.of("--help")).getSubcommands().size());
        assertEquals(COMMAND_COUNT, Main.commandLine(List.of("restor")).getSubcommands().size());
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(List.of("restor"));
        cl.setErr(new PrintWriter(err));
        assertEquals(Main.EXIT_USAGE, cl.execute("restor"));
        assertTrue(err.toString().contains("'restor'"), err.toString());
    }
}
