package io.crak.core.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CrakException;
import io.crak.core.jna.CrakKmod;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** KmodFreezer's own checks, which hold whether or not the module is loaded. */
class KmodFreezerTest {
    @Test
    void kindIsKmod() {
        try (KmodFreezer f = new KmodFreezer()) {
            assertEquals(FreezerKind.KMOD, f.kind());
        }
    }

    @Test
    void presentOnlyWhenTheDeviceExists() {
        if (!Files.exists(KmodFreezer.DEVICE)) {
            assertEquals(false, KmodFreezer.present());
        }
    }

    @Test
    void refusesTimeoutsOutsideTheModulesRangeWithoutClamping() {
        try (KmodFreezer f = new KmodFreezer()) {
            CrakException zero = assertThrows(CrakException.class, () -> f.freeze(4711, Duration.ZERO));
            assertTrue(zero.getMessage().contains("pid 4711") && zero.getMessage().contains("PT0S"), zero.getMessage());
            assertThrows(CrakException.class, () -> f.freeze(4711, Duration.ofMinutes(11)));
        }
    }

    @Test
    void refusesNonPositivePids() {
        try (KmodFreezer f = new KmodFreezer()) {
            CrakException e = assertThrows(CrakException.class, () -> f.freeze(0, Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains("root pid 0"), e.getMessage());
        }
    }

    @Test
    void thawWithoutFreezeIsAnError() {
        try (KmodFreezer f = new KmodFreezer()) {
            assertThrows(CrakException.class, f::thaw);
        }
    }

    @Test
    void failureMessagesNameTheThreadAndTheReason() {
        String timeout = KmodFreezer.freezeFailure(100, Duration.ofSeconds(5), CrakKmod.ETIMEDOUT, 123);
        assertEquals("kmod freezer: pid 100 tree: /dev/crak FREEZE: ETIMEDOUT (thread 123 did not stop within PT5S)",
                timeout);
        assertTrue(KmodFreezer.freezeFailure(100, Duration.ofSeconds(5), CrakKmod.EOPNOTSUPP, 101).contains("io_uring"));
        assertTrue(KmodFreezer.freezeFailure(100, Duration.ofSeconds(5), CrakKmod.EDEADLK, 100).contains("controller"));
        assertTrue(KmodFreezer.freezeFailure(100, Duration.ofSeconds(5), CrakKmod.ESTALE, 0).contains("ESTALE"));
    }

    @Test
    void ioctlNumbersEncodeDirectionSizeTypeAndNumber() {
        assertEquals(0xC060CB01L, CrakKmod.IOC_FREEZE);
        assertEquals(0xC018CB02L, CrakKmod.IOC_THAW);
        assertEquals(0xC020CB03L, CrakKmod.IOC_STATUS);
    }
}
