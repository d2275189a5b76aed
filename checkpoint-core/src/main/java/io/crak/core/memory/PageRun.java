package io.crak.core.memory;

/** Consecutive pages whose contents follow each other in the process's pages entry. */
public record PageRun(long address, int pages) {
}
