package io.crak.core.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @TempDir
    Path dir;

    private static final List<String> CONSTANTS = List.of("CRAK_IOC_FREEZE", "CRAK_IOC_THAW", "CRAK_IOC_STATUS",
            "CRAK_SCOPE_PGRP", "CRAK_SCOPE_SESSION", "CRAK_SCOPE_PIDS", "CRAK_SCOPE_TREE", "CRAK_OUT_PIDS_TRUNCATED",
            "CRAK_TIMEOUT_MIN_NS", "CRAK_TIMEOUT_MAX_NS", "CRAK_MAX_PIDS");

    @Test
    void structuresMatchTheUapiHeader() throws Exception {
        Map<String, HeaderStructure> structs = new LinkedHashMap<>();
        structs.put("crak_freeze", new CrakKmodFreeze());
        structs.put("crak_thaw", new CrakKmodThaw());
        structs.put("crak_status", new CrakKmodStatus());
        CHeaderProbe c = probe(structs);
        for (Map.Entry<String, HeaderStructure> s : structs.entrySet()) {
            c.assertSameLayout(s.getKey(), s.getValue(), CrakKmodLayoutTest::cField);
        }
    }

    @Test
    void ioctlNumbersMatchTheUapiHeader() throws Exception {
        CHeaderProbe c = probe(Map.of());
        assertEquals(c.value("CRAK_IOC_FREEZE"), CrakKmod.IOC_FREEZE, "CRAK_IOC_FREEZE");
        assertEquals(c.value("CRAK_IOC_THAW"), CrakKmod.IOC_THAW, "CRAK_IOC_THAW");
        assertEquals(c.value("CRAK_IOC_STATUS"), CrakKmod.IOC_STATUS, "CRAK_IOC_STATUS");
        assertEquals(c.value("CRAK_SCOPE_TREE"), (long) CrakKmod.SCOPE_TREE);
        assertEquals(c.value("CRAK_SCOPE_PGRP"), (long) CrakKmod.SCOPE_PGRP);
        assertEquals(c.value("CRAK_SCOPE_SESSION"), (long) CrakKmod.SCOPE_SESSION);
        assertEquals(c.value("CRAK_SCOPE_PIDS"), (long) CrakKmod.SCOPE_PIDS);
        assertEquals(c.value("CRAK_OUT_PIDS_TRUNCATED"), (long) CrakKmod.OUT_PIDS_TRUNCATED);
        assertEquals(c.value("CRAK_TIMEOUT_MIN_NS"), CrakKmod.TIMEOUT_MIN_NS);
        assertEquals(c.value("CRAK_TIMEOUT_MAX_NS"), CrakKmod.TIMEOUT_MAX_NS);
        assertEquals(c.value("CRAK_MAX_PIDS"), (long) CrakKmod.MAX_PIDS);
    }

    /** camelCase Java name of a field to the header's snake_case; padding is {@code __padN}. */
    static String cField(String javaField) {
        if (javaField.startsWith("pad")) {
            return "__" + javaField;
        }
        return javaField.replaceAll("([A-Z])", "_$1").toLowerCase();
    }

    private CHeaderProbe probe(Map<String, HeaderStructure> structs) throws Exception {
        assertTrue(Files.isRegularFile(UAPI_INCLUDE.resolve("linux/crak.h")), "linux/crak.h not found in " + UAPI_INCLUDE);
        return new CHeaderProbe(dir, List.of("-I" + UAPI_INCLUDE), List.of("linux/crak.h"), CONSTANTS, structs,
                CrakKmodLayoutTest::cField);
    }
}
