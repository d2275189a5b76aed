package io.crak.core.jna;

import com.sun.jna.Structure;

/**
 * A JNA structure that mirrors a C header's struct byte for byte; tests compare its layout with
 * what gcc makes of the header, field by field.
 */
public abstract class HeaderStructure extends Structure {
    /** Byte offset of a field, for checking this layout against the C header. */
    public int offsetOf(String field) {
        return fieldOffset(field);
    }
}
