package io.crak.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A user of this host by name and numbers, as the name service (getent, so LDAP/NIS users work
 * too) knows it. The agent gets a caller's user name from SO_PEERCRED and needs the numbers.
 */
public record UserAccount(String name, int uid, int gid) {
    public static final UserAccount ROOT = new UserAccount("root", 0, 0);

    public boolean isRoot() {
        return uid == 0;
    }

    /** Looks {@code nameOrUid} up; a bare number without a passwd entry is taken as uid = gid. */
    public static UserAccount lookup(String nameOrUid) throws IOException {
        Process p = new ProcessBuilder("getent", "passwd", nameOrUid).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("getent passwd " + nameOrUid + " did not answer within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted looking up user " + nameOrUid, e);
        }
        if (p.exitValue() != 0 || out.isEmpty()) {
            if (nameOrUid.matches("\\d{1,9}")) {
                int id = Integer.parseInt(nameOrUid);
                return new UserAccount(nameOrUid, id, id);
            }
            throw new IOException("user " + nameOrUid + " is unknown to getent passwd");
        }
        String[] f = out.split("\n")[0].split(":");
        if (f.length < 4) {
            throw new IOException("getent passwd " + nameOrUid + " printed a malformed entry: " + out);
        }
        return new UserAccount(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]));
    }
}
