package io.crak.core.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fixtures captured on this machine: the host's mountinfo and jobs' under unshare --mount-proc. */
class PidNamespaceScanTest {
    private static String fixture(String name) throws Exception {
        return Files.readString(Path.of("src/test/resources/proc/mountinfo", name));
    }

    @Test
    void aJobWithOnlyItsOwnProcHasNoMountsOfItsOwn() throws Exception {
        assertEquals(List.of(), PidNamespaceScan.mountsOfItsOwn(fixture("pidns-job.txt"), fixture("host-with-jobs.txt")));
    }

    @Test
    void aTmpfsTheJobMountedIsNamed() throws Exception {
        assertEquals(List.of("/mnt (tmpfs)"),
                PidNamespaceScan.mountsOfItsOwn(fixture("pidns-job-own-tmpfs.txt"), fixture("host-with-jobs.txt")));
    }

    @Test
    void aMountStackedOnAHostMountPointStillCounts() {
        String host = "27 1 254:0 / / rw - ext4 /dev/vda rw\n25 27 0:23 / /tmp rw - tmpfs tmpfs rw\n";
        String job = host + "90 25 0:99 / /tmp rw - tmpfs scratch rw\n";
        assertEquals(List.of("/tmp (tmpfs)"), PidNamespaceScan.mountsOfItsOwn(job, host));
    }
}
