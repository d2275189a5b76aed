package io.crak.storage;

/**
 * Entry names become tar member names. '@' is reserved: a member {@code NAME@OFFSET} holds part of
 * entry NAME from byte OFFSET on (incremental generations). Names must be relative, without "."
 * or ".." components, so that {@code tar -x} of an archive stays inside the target directory.
 */
final class EntryName {
    static final char SEGMENT_SEPARATOR = '@';
    static final int MAX_LENGTH = 4000;

    private EntryName() {
    }

    static String validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("entry name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("entry name of " + name.length() + " characters exceeds " + MAX_LENGTH);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == SEGMENT_SEPARATOR || c == '\\') {
                throw new IllegalArgumentException("entry name '" + name.replaceAll("\\p{Cntrl}", "?")
                        + "' contains a reserved or control character at index " + i);
            }
        }
        if (name.startsWith("/") || name.endsWith("/")) {
            throw new IllegalArgumentException("entry name '" + name + "' must be relative and not end in '/'");
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("entry name '" + name + "' has an empty, '.' or '..' component");
            }
        }
        return name;
    }

    static String segment(String name, long offset) {
        return name + SEGMENT_SEPARATOR + offset;
    }
}
