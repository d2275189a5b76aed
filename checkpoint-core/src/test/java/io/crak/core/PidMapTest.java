package io.crak.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PidMapTest {
    @Test
    void identityMapsEveryPidToItself() {
        PidMap m = PidMap.identity();
        assertFalse(m.isNamespaced());
        m.put(4242, 4242);
        assertEquals(4242, m.host(4242));
        assertEquals(77, m.image(77));
    }

    @Test
    void identityRefusesADifferentHostPid() {
        assertThrows(IllegalStateException.class, () -> PidMap.identity().put(1, 4242));
    }

    @Test
    void namespacedTranslatesBothWays() {
        PidMap m = PidMap.namespaced();
        assertTrue(m.isNamespaced());
        m.put(1, 31026);
        m.put(2, 31030);
        assertEquals(31026, m.host(1));
        assertEquals(2, m.image(31030));
    }

    @Test
    void aHostPidOutsideTheNamespaceIsZeroAsGetppidSaysThere() {
        PidMap m = PidMap.namespaced();
        m.put(1, 31026);
        assertEquals(0, m.image(30999));
    }

    @Test
    void anImagePidNotCreatedYetIsAnError() {
        PidMap m = PidMap.namespaced();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.host(5));
        assertTrue(e.getMessage().contains("pid 5"), e.getMessage());
    }
}
