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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JNA structures must be byte for byte the module's uapi structs: a C program compiled by gcc
 * against kmod/include/uapi/linux/crak.h prints sizeof, offsetof and the size of every field the
 * Java side declares, and the ioctl numbers; each must equal what JNA computes.
 */
@Tag("integration")
class CrakKmodLayoutTest {
    private static final Path UAPI_INCLUDE = Path.of("..", "kmod", "include", "uapi").toAbsolutePath().normalize();
    private static final long GCC_TIMEOUT_S = 60;

    @TempDir
    Path dir;

    @Test
    void structuresMatchTheUapiHeader() throws Exception {
        List<Structure> structs = List.of(new CrakKmodFreeze(), new CrakKmodThaw(), new CrakKmodStatus());
        List<String> cNames = List.of("crak_freeze", "crak_thaw", "crak_status");
        Map<String, Long> c = compileAndRun(structs, cNames);
        for (int i = 0; i < structs.size(); i++) {
            Structure s = structs.get(i);
            String cName = cNames.get(i);
            assertEquals(c.get(cName + ".sizeof"), (long) s.size(), "sizeof(struct " + cName + ")");
            for (String field : fieldOrder(s)) {
                String key = cName + "." + cField(field);
                assertEquals(c.get(key + ".offset"), (long) offsetOf(s, field), "offsetof " + key);
                assertEquals(c.get(key + ".size"), (long) javaSize(s, field), "size of " + key);
            }
        }
    }

    @Test
    void ioctlNumbersMatchTheUapiHeader() throws Exception {
        Map<String, Long> c = compileAndRun(List.of(), List.of());
        assertEquals(c.get("CRAK_IOC_FREEZE"), CrakKmod.IOC_FREEZE, "CRAK_IOC_FREEZE");
        assertEquals(c.get("CRAK_IOC_THAW"), CrakKmod.IOC_THAW, "CRAK_IOC_THAW");
        assertEquals(c.get("CRAK_IOC_STATUS"), CrakKmod.IOC_STATUS, "CRAK_IOC_STATUS");
        assertEquals(c.get("CRAK_SCOPE_TREE"), (long) CrakKmod.SCOPE_TREE);
        assertEquals(c.get("CRAK_SCOPE_PGRP"), (long) CrakKmod.SCOPE_PGRP);
        assertEquals(c.get("CRAK_SCOPE_SESSION"), (long) CrakKmod.SCOPE_SESSION);
        assertEquals(c.get("CRAK_SCOPE_PIDS"), (long) CrakKmod.SCOPE_PIDS);
        assertEquals(c.get("CRAK_OUT_PIDS_TRUNCATED"), (long) CrakKmod.OUT_PIDS_TRUNCATED);
        assertEquals(c.get("CRAK_TIMEOUT_MIN_NS"), CrakKmod.TIMEOUT_MIN_NS);
        assertEquals(c.get("CRAK_TIMEOUT_MAX_NS"), CrakKmod.TIMEOUT_MAX_NS);
        assertEquals(c.get("CRAK_MAX_PIDS"), (long) CrakKmod.MAX_PIDS);
    }

    /** camelCase Java name of a field to the header's snake_case; padding is {@code __padN}. */
    static String cField(String javaField) {
        if (javaField.startsWith("pad")) {
            return "__" + javaField;
        }
        return javaField.replaceAll("([A-Z])", "_$1").toLowerCase();
    }

    private Map<String, Long> compileAndRun(List<Structure> structs, List<String> cNames) throws Exception {
        Path header = UAPI_INCLUDE.resolve("linux/crak.h");
        assertTrue(Files.isRegularFile(header), header + " not found");
        StringBuilder src = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include <linux/crak.h>\n"
                + "#define P(name, v) printf(\"%s %llu\\n\", name, (unsigned long long)(v))\n"
                + "#define F(s, f) P(#s \".\" #f \".offset\", offsetof(struct s, f)); "
                + "P(#s \".\" #f \".size\", sizeof(((struct s *)0)->f))\n"
                + "int main(void) {\n");
        for (String constant : List.of("CRAK_IOC_FREEZE", "CRAK_IOC_THAW", "CRAK_IOC_STATUS", "CRAK_SCOPE_PGRP",
                "CRAK_SCOPE_SESSION", "CRAK_SCOPE_PIDS", "CRAK_SCOPE_TREE", "CRAK_OUT_PIDS_TRUNCATED",
                "CRAK_TIMEOUT_MIN_NS", "CRAK_TIMEOUT_MAX_NS", "CRAK_MAX_PIDS")) {
            src.append("P(\"").append(constant).append("\", ").append(constant).append(");\n");
        }
        for (int i = 0; i < structs.size(); i++) {
            String s = cNames.get(i);
            src.append("P(\"").append(s).append(".sizeof\", sizeof(struct ").append(s).append("));\n");
            for (String field : fieldOrder(structs.get(i))) {
                src.append("F(").append(s).append(", ").append(cField(field)).append(");\n");
            }
        }
        src.append("return 0;\n}\n");
        Path c = dir.resolve("layout.c");
        Path exe = dir.resolve("layout");
        Files.writeString(c, src);
        run(List.of("gcc", "-Wall", "-Werror", "-I" + UAPI_INCLUDE, "-o", exe.toString(), c.toString()));
        Map<String, Long> values = new HashMap<>();
        for (String line : run(List.of(exe.toString())).split("\n")) {
            String[] kv = line.split(" ");
            values.put(kv[0], Long.parseUnsignedLong(kv[1]));
        }
        return values;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(GCC_TIMEOUT_S, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, p.exitValue(), command + " failed:\n" + out);
        return out;
    }

    private static List<String> fieldOrder(Structure s) {
        return List.of(s.getClass().getAnnotation(Structure.FieldOrder.class).value());
    }

    private static int offsetOf(Structure s, String field) {
        if (s instanceof CrakKmodFreeze f) {
            return f.offsetOf(field);
        }
        if (s instanceof CrakKmodThaw t) {
            return t.offsetOf(field);
        }
        return ((CrakKmodStatus) s).offsetOf(field);
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
}
