package io.crak.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JobExitTest {
    @Test
    void shellStatusRoundTrips() {
        assertEquals(JobExit.exited(0), JobExit.ofStatus(0));
        assertEquals(JobExit.exited(128), JobExit.ofStatus(128));
        assertEquals(JobExit.killed(9), JobExit.ofStatus(137));
        assertEquals(137, JobExit.killed(9).status());
        assertEquals(3, JobExit.exited(3).status());
        assertEquals(JobExit.killed(15), RootExitWatch.fromWaitStatus(15));
        assertEquals(JobExit.exited(7), RootExitWatch.fromWaitStatus(7 << 8));
        assertThrows(IllegalArgumentException.class, () -> JobExit.ofStatus(256));
        assertThrows(IllegalArgumentException.class, () -> JobExit.exited(-1));
        assertThrows(IllegalArgumentException.class, () -> JobExit.killed(65));
    }
}
