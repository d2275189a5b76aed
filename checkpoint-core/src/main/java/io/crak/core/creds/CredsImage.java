package io.crak.core.creds;

import java.util.List;

/** Credentials: uids and gids (real, effective, saved, fs), supplementary groups, capabilities. */
public record CredsImage(int[] uid, int[] gid, List<Integer> groups, long capEff, long capPrm, long capInh,
        long capBnd, long capAmb) {

    public boolean allRoot() {
        for (int i = 0; i < 4; i++) {
            if (uid[i] != 0 || gid[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
