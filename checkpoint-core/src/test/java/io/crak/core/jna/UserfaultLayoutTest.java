package io.crak.core.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The userfaultfd structures and ioctl numbers crak uses are those of the system's
 * linux/userfaultfd.h, as gcc compiles it.
 */
@Tag("integration")
class UserfaultLayoutTest {
    /** UffdioRegister flattens its {@code struct uffdio_range range} member. */
    private static final UnaryOperator<String> C_FIELD = f -> switch (f) {
        case "rangeStart" -> "range.start";
        case "rangeLen" -> "range.len";
        default -> f;
    };

    @TempDir
    Path dir;

    @Test
    void structuresAndIoctlsMatchTheKernelHeader() throws Exception {
        Map<String, HeaderStructure> structs = new LinkedHashMap<>();
        structs.put("uffdio_api", new UffdioApi());
        structs.put("uffdio_register", new UffdioRegister());
        structs.put("uffdio_range", new UffdioRange());
        structs.put("uffdio_copy", new UffdioCopy());
        CHeaderProbe c = new CHeaderProbe(dir, List.of(), List.of("sys/ioctl.h", "linux/userfaultfd.h"),
                List.of("UFFD_API", "UFFDIO_API", "UFFDIO_REGISTER", "UFFDIO_UNREGISTER", "UFFDIO_COPY",
                        "UFFDIO_REGISTER_MODE_MISSING", "UFFD_USER_MODE_ONLY"), structs, C_FIELD);
        for (Map.Entry<String, HeaderStructure> s : structs.entrySet()) {
            c.assertSameLayout(s.getKey(), s.getValue(), C_FIELD);
        }
        assertEquals(c.value("UFFD_API"), UserfaultCalls.UFFD_API);
        assertEquals(c.value("UFFDIO_API"), UserfaultCalls.UFFDIO_API);
        assertEquals(c.value("UFFDIO_REGISTER"), UserfaultCalls.UFFDIO_REGISTER);
        assertEquals(c.value("UFFDIO_UNREGISTER"), UserfaultCalls.UFFDIO_UNREGISTER);
        assertEquals(c.value("UFFDIO_COPY"), UserfaultCalls.UFFDIO_COPY);
        assertEquals(c.value("UFFDIO_REGISTER_MODE_MISSING"), UserfaultCalls.UFFDIO_REGISTER_MODE_MISSING);
        assertEquals(c.value("UFFD_USER_MODE_ONLY"), (long) UserfaultCalls.UFFD_USER_MODE_ONLY);
    }
}
