package io.crak.core.creds;

import io.crak.core.CrakException;
import io.crak.core.RestoreContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import io.crak.core.thread.ThreadImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Drops the restored process to its own credentials — last, because everything before it needs
 * the restorer's privileges. Credentials are per thread in the kernel, so every thread does it
 * (what glibc's setxid broadcast does for a live process).
 */
public final class CredsRestorer implements Resource.Restorer {
    @Override
    public void restore(RestoreContext ctx, ProcessImage image) throws CrakException, IOException {
        CredsImage c = image.creds;
        if (c.allRoot()) {
            return;
        }
        for (ThreadImage t : image.threads) {
            RemoteSyscall r = ctx.remote(t.tid());
            ctx.resetData();
            ByteBuffer groups = ByteBuffer.allocate(Math.max(4, c.groups().size() * 4)).order(ByteOrder.LITTLE_ENDIAN);
            c.groups().forEach(groups::putInt);
            r.check("setgroups", Syscalls.SETGROUPS, c.groups().size(), ctx.putData(groups.array()));
            r.check("setresgid", Syscalls.SETRESGID, c.gid()[0], c.gid()[1], c.gid()[2]);
            r.check("setresuid", Syscalls.SETRESUID, c.uid()[0], c.uid()[1], c.uid()[2]);
        }
    }
}
