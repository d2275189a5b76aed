package io.crak.core.image;

import java.io.IOException;

/**
 * Makes a written image durable and visible (close the sink, commit a storage generation). The
 * engine calls it while it still holds the tree, so that a tree dumped without --leave-running
 * is killed only once its image is safe, and keeps running if the commit fails.
 */
@FunctionalInterface
public interface ImageCommit {
    void commit() throws IOException;
}
