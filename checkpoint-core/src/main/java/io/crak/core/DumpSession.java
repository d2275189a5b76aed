package io.crak.core;

import io.crak.core.files.OpenFileKey;
import io.crak.core.memory.SharedRegion;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/** State shared by the dumps of all processes of one tree. */
public final class DumpSession {
    /** Shared anonymous memory by shmem inode: dumped once, by the first process that maps it. */
    public final Map<Long, SharedRegion> sharedRegions = new LinkedHashMap<>();
    /** Every descriptor dumped so far, to find those sharing one open file description. */
    public final List<OpenFileKey> openFiles = new ArrayList<>();
}
