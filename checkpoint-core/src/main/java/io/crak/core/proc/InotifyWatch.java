package io.crak.core.proc;

import java.util.HexFormat;

/**
 * One "inotify wd:" line of an inotify fd's fdinfo. The watched path is not shown by the kernel;
 * it is found again through the file handle (open_by_handle_at) or by inode.
 *
 * @param mask the IN_* events watched
 * @param fileHandle the bytes of the struct file_handle payload (may be empty without CONFIG_FHANDLE)
 */
public record InotifyWatch(int wd, long ino, long sdev, int mask, int ignoredMask, int fileHandleType,
        byte[] fileHandle) {

    public InotifyWatch {
        fileHandle = fileHandle.clone();
    }

    @Override
    public byte[] fileHandle() {
        return fileHandle.clone();
    }

    @Override
    public String toString() {
        return "InotifyWatch[wd=" + wd + ", ino=" + ino + ", sdev=" + sdev + ", mask=0x" + Integer.toHexString(mask)
                + ", ignoredMask=0x" + Integer.toHexString(ignoredMask) + ", fileHandleType=" + fileHandleType
                + ", fileHandle=" + HexFormat.of().formatHex(fileHandle) + "]";
    }
}
