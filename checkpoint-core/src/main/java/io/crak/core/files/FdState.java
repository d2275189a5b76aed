package io.crak.core.files;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Kind-specific state of a descriptor: a pipe's buffered bytes, a socket's queues, an eventfd's
 * counter... Each kind's record implements this; the image names the record's class.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, property = "@type")
public interface FdState {
}
