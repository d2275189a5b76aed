package io.crak.core.memory;

import java.util.BitSet;

/**
 * A shared anonymous memory object seen during a dump: the first process mapping it owns its
 * contents; pages touched through any process's mapping are collected in {@code pages}
 * (indexed by page offset within the object).
 */
public final class SharedRegion {
    public final int ownerPid;
    public final long ownerStart;
    public final long ownerPgoff;
    public final long pagesInOwner;
    public final BitSet pages = new BitSet();

    public SharedRegion(int ownerPid, long ownerStart, long ownerPgoff, long pagesInOwner) {
        this.ownerPid = ownerPid;
        this.ownerStart = ownerStart;
        this.ownerPgoff = ownerPgoff;
        this.pagesInOwner = pagesInOwner;
    }
}
