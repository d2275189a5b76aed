package io.crak.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.job.NamespaceMode;
import io.crak.storage.Compression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RunConfigTest {
    private static final Path ROOT = Path.of("/tmp/crak-store");

    private static RunConfig config(List<String> cmd, Optional<String> name, Optional<String> resume,
            Optional<Duration> every, Path root, OptionalInt keep, NamespaceMode ns, int maxRestarts) {
        return new RunConfig(cmd, name, resume, every, root, keep, Optional.of(Compression.ZSTD), ns, maxRestarts,
                Path.of("/tmp"));
    }

    private static String rejected(List<String> cmd, Optional<String> name, Optional<String> resume,
            Optional<Duration> every, Path root, OptionalInt keep, NamespaceMode ns, int maxRestarts) {
        return assertThrows(IllegalArgumentException.class,
                () -> config(cmd, name, resume, every, root, keep, ns, maxRestarts)).getMessage();
    }

    @Test
    void defaultsNeedNoConfiguration() {
        RunConfig c = RunConfig.newJob(List.of("sleep", "1"), Duration.ofMinutes(15));
        assertEquals(RunConfig.DEFAULT_STORAGE_ROOT, c.storageRoot());
        assertTrue(c.storageRoot().isAbsolute());
        assertEquals(NamespaceMode.PID_NAMESPACE, c.namespace(), "pids free on any node unless asked otherwise");
        assertEquals(RunConfig.DEFAULT_MAX_RESTARTS_WITHOUT_PROGRESS, c.maxRestartsWithoutProgress());
    }

    @Test
    void acceptsValidNewAndResume() {
        for (NamespaceMode ns : NamespaceMode.values()) {
            assertEquals(ns, config(List.of("x"), Optional.of("sim-1"), Optional.empty(),
                    Optional.of(Duration.ofSeconds(1)), ROOT, OptionalInt.of(1), ns, 0).namespace());
        }
        RunConfig r = config(List.of(), Optional.empty(), Optional.of("sim-1"), Optional.empty(), ROOT,
                OptionalInt.empty(), NamespaceMode.HOST, 3);
        assertTrue(r.resuming());
    }

    @Test
    void rejectsEveryBadValueWithItsName() {
        Optional<Duration> ok = Optional.of(Duration.ofSeconds(5));
        assertTrue(rejected(List.of(), Optional.empty(), Optional.empty(), ok, ROOT, OptionalInt.empty(),
                NamespaceMode.HOST, 1).contains("command is required"));
        assertTrue(rejected(List.of("x"), Optional.empty(), Optional.of("j"), ok, ROOT, OptionalInt.empty(),
                NamespaceMode.HOST, 1).contains("--resume"));
        assertTrue(rejected(List.of("x"), Optional.empty(), Optional.empty(), Optional.empty(), ROOT,
                OptionalInt.empty(), NamespaceMode.HOST, 1).contains("--checkpoint-every is required"));
        assertTrue(rejected(List.of("x"), Optional.empty(), Optional.empty(), Optional.of(Duration.ofMillis(999)),
                ROOT, OptionalInt.empty(), NamespaceMode.HOST, 1).contains("below the minimum"));
        assertTrue(rejected(List.of("x"), Optional.empty(), Optional.empty(), ok, ROOT, OptionalInt.of(0),
                NamespaceMode.HOST, 1).contains("--keep 0"));
        assertTrue(rejected(List.of("x"), Optional.empty(), Optional.empty(), ok, Path.of("rel"),
                OptionalInt.empty(), NamespaceMode.HOST, 1).contains("absolute"));
        assertTrue(rejected(List.of("x"), Optional.of("a/b"), Optional.empty(), ok, ROOT, OptionalInt.empty(),
                NamespaceMode.HOST, 1).contains("job name 'a/b'"));
        assertTrue(rejected(List.of("x"), Optional.empty(), Optional.empty(), ok, ROOT, OptionalInt.empty(),
                NamespaceMode.HOST, -1).contains("--max-restarts -1"));
        assertTrue(rejected(List.of(), Optional.of("a"), Optional.of("a"), ok, ROOT, OptionalInt.empty(),
                NamespaceMode.HOST, 1).contains("exclude"));
    }
}
