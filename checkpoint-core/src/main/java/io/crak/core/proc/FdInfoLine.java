package io.crak.core.proc;

/** A line of /proc/PID/fdinfo/FD beyond pos/flags/mnt_id/ino, split at its first ':'. */
public record FdInfoLine(String key, String value) {}
