package io.crak.core.proc;

/**
 * Parses /proc/PID/stat. The command name is enclosed in parentheses and may itself contain
 * spaces and ')', so it runs from the first '(' to the <em>last</em> ')' of the text.
 */
public final class StatParser {
    private static final String FILE = "stat";
    /** Fields after the command name (state .. exit_code); the kernel has printed 50 since 3.5. */
    private static final int FIELDS_AFTER_COMM = 50;

    private StatParser() {}

    public static ProcStat parse(String text) {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 1 || close < open) {
            throw new MalformedProcFileException(FILE, "no '(comm)' in '" + abbreviate(text) + "'");
        }
        String[] f = text.substring(close + 1).trim().split(" +");
        if (f.length < FIELDS_AFTER_COMM) {
            throw new MalformedProcFileException(FILE,
                    f.length + " fields after comm, expected " + FIELDS_AFTER_COMM + " (kernel older than 3.5?)");
        }
        if (f[0].length() != 1) {
            throw new MalformedProcFileException(FILE, "state '" + f[0] + "' is not one character");
        }
        try {
            // f[i] is proc(5) field number i + 3.
            return new ProcStat(
                    Integer.parseInt(text.substring(0, open).trim()),
                    text.substring(open + 1, close),
                    f[0].charAt(0),
                    Integer.parseInt(f[1]),
                    Integer.parseInt(f[2]),
                    Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]),
                    Integer.parseInt(f[5]),
                    u(f[6]), u(f[7]), u(f[8]), u(f[9]), u(f[10]), u(f[11]), u(f[12]),
                    s(f[13]), s(f[14]), s(f[15]), s(f[16]),
                    Integer.parseInt(f[17]),
                    s(f[18]),
                    u(f[19]), u(f[20]), u(f[21]), u(f[22]),
                    u(f[23]), u(f[24]), u(f[25]), u(f[26]), u(f[27]),
                    u(f[28]), u(f[29]), u(f[30]), u(f[31]),
                    u(f[32]), u(f[33]), u(f[34]),
                    Integer.parseInt(f[35]),
                    Integer.parseInt(f[36]),
                    u(f[37]), u(f[38]), u(f[39]), u(f[40]), s(f[41]),
                    u(f[42]), u(f[43]), u(f[44]), u(f[45]), u(f[46]), u(f[47]), u(f[48]),
                    Integer.parseInt(f[49]));
        } catch (NumberFormatException e) {
            throw new MalformedProcFileException(FILE, "bad number in '" + abbreviate(text) + "': " + e.getMessage(), e);
        }
    }

    private static long u(String field) {
        return Long.parseUnsignedLong(field);
    }

    private static long s(String field) {
        return Long.parseLong(field);
    }

    private static String abbreviate(String text) {
        String line = text.strip();
        return line.length() <= 80 ? line : line.substring(0, 80) + "...";
    }
}
