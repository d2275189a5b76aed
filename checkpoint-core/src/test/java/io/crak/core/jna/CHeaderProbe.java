package io.crak.core.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Structure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * What gcc says of a C header: a program including it is compiled and prints the value of each
 * constant asked for and, for each structure, its sizeof and the offset and size of every field
 * the JNA structure declares; {@link #assertSameLayout} compares those with what JNA computes.
 */
final class CHeaderProbe {
    private static final long GCC_TIMEOUT_S = 60;

    private final Map<String, Long> values = new HashMap<>();

    /**
     * @param cField the C name of a Java field ({@code rangeStart} may be {@code range.start})
     */
    CHeaderProbe(Path dir, List<String> gccArgs, List<String> headers, List<String> constants,
            Map<String, ? extends Structure> structs, UnaryOperator<String> cField) throws Exception {
        StringBuilder src = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n");
        headers.forEach(h -> src.append("#include <").append(h).append(">\n"));
        src.append("#define P(name, v) printf(\"%s %llu\\n\", name, (unsigned long long)(v))\n"
                + "#define F(s, f) P(#s \".\" #f \".offset\", offsetof(struct s, f)); "
                + "P(#s \".\" #f \".size\", sizeof(((struct s *)0)->f))\n"
                + "int main(void) {\n");
        constants.forEach(c -> src.append("P(\"").append(c).append("\", ").append(c).append(");\n"));
        structs.forEach((name, s) -> {
            src.append("P(\"").append(name).append(".sizeof\", sizeof(struct ").append(name).append("));\n");
            for (String field : fieldOrder(s)) {
                src.append("F(").append(name).append(", ").append(cField.apply(field)).append(");\n");
            }
        });
        src.append("return 0;\n}\n");
        Path c = dir.resolve("layout.c");
        Path exe = dir.resolve("layout");
        Files.writeString(c, src);
        List<String> gcc = new java.util.ArrayList<>(List.of("gcc", "-Wall", "-Werror"));
        gcc.addAll(gccArgs);
        gcc.addAll(List.of("-o", exe.toString(), c.toString()));
        run(gcc);
        for (String line : run(List.of(exe.toString())).split("\n")) {
            String[] kv = line.split(" ");
            values.put(kv[0], Long.parseUnsignedLong(kv[1]));
        }
    }

    long value(String name) {
        assertTrue(values.containsKey(name), name + " was not printed");
        return values.get(name);
    }

    /** sizeof, and every field's offset and size, of the C struct {@code name} equal JNA's. */
    void assertSameLayout(String name, HeaderStructure s, UnaryOperator<String> cField) throws NoSuchFieldException {
        assertEquals(value(name + ".sizeof"), (long) s.size(), "sizeof(struct " + name + ")");
        for (String field : fieldOrder(s)) {
            String key = name + "." + cField.apply(field);
            int offset = s.offsetOf(field);
            assertEquals(value(key + ".offset"), (long) offset, "offsetof " + key);
            assertEquals(value(key + ".size"), (long) javaSize(s, field), "size of " + key);
        }
    }

    static List<String> fieldOrder(Structure s) {
        return List.of(s.getClass().getAnnotation(Structure.FieldOrder.class).value());
    }

    private static int javaSize(Structure s, String field) throws NoSuchFieldException {
        Class<?> type = s.getClass().getField(field).getType();
        if (type == int.class) {
            return Integer.BYTES;
        }
        if (type == long.class) {
            return Long.BYTES;
        }
        throw new AssertionError(field + " has type " + type + ", not a fixed-width integer");
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(GCC_TIMEOUT_S, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, p.exitValue(), command + " failed:\n" + out);
        return out;
    }
}
