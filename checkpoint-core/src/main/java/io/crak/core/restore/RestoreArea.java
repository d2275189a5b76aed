package io.crak.core.restore;

import io.crak.core.CrakException;
import io.crak.core.image.ProcessImage;
import io.crak.core.memory.VmaImage;
import io.crak.core.proc.VmArea;
import java.util.Collection;
import java.util.List;

/**
 * A small mapping, placed where no process of the image has memory, that holds the
 * {@code syscall} instruction every injected call of the restore runs through and a data area
 * for their arguments. It survives while the rest of the address space is replaced, and is
 * unmapped last.
 */
public record RestoreArea(long start) {
    public static final long SIZE_BYTES = 1 << 20;
    public static final long CODE_BYTES = 4096;
    /** syscall; int3 (the int3 is never reached: calls stop at syscall exit). */
    public static final byte[] CODE = {0x0f, 0x05, (byte) 0xcc};
    /** The area and the same size after it (where the vdso block is parked while moved) must be free. */
    private static final long FIRST_CANDIDATE = 0x100000000L;
    private static final long STEP = 0x40000000L;
    private static final long LAST_CANDIDATE = 0x7f0000000000L;

    public long syscallInsn() {
        return start;
    }

    public long dataStart() {
        return start + CODE_BYTES;
    }

    public long end() {
        return start + SIZE_BYTES;
    }

    /** Finds an address free in every process of the image and in the stub's own layout. */
    public static RestoreArea choose(Collection<ProcessImage> images, List<VmArea> stubMaps) throws CrakException {
        for (long a = FIRST_CANDIDATE; a < LAST_CANDIDATE; a += STEP) {
            long end = a + 2 * SIZE_BYTES;
            boolean free = true;
            for (ProcessImage p : images) {
                for (VmaImage v : p.memory.vmas()) {
                    if (v.start() < end && a < v.end()) {
                        free = false;
                        break;
                    }
                }
                if (!free) {
                    break;
                }
            }
            for (VmArea v : stubMaps) {
                if (free && Long.compareUnsigned(v.start(), end) < 0 && Long.compareUnsigned(a, v.end()) < 0) {
                    free = false;
                }
            }
            if (free) {
                return new RestoreArea(a);
            }
        }
        throw new CrakException("no address range is free in every process of the image for the restore area");
    }
}
