package io.crak.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.job.JobExit;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
    @Test
    void onlySigkillCountsAsKilledFromOutside() {
        // crak-init itself SIGKILLed, or its command (crak-init then exits 137)
        assertTrue(JobSupervisor.killedFromOutside(JobExit.killed(JobExit.SIGKILL)));
        assertTrue(JobSupervisor.killedFromOutside(JobExit.ofStatus(137)));
        // the job's own ends: any exit code, a signal it raised or was forwarded by crak-init
        assertFalse(JobSupervisor.killedFromOutside(JobExit.exited(0)));
        assertFalse(JobSupervisor.killedFromOutside(JobExit.exited(1)));
        assertFalse(JobSupervisor.killedFromOutside(JobExit.ofStatus(143)));
        assertFalse(JobSupervisor.killedFromOutside(JobExit.killed(6)));
    }
}
