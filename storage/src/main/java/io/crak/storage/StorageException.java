package io.crak.storage;

import java.io.IOException;

/**
 * A failure of the checkpoint repository, with a one-line message naming the job, generation,
 * path, errno name (when the OS reported one) and reason. An {@link IOException} so that it flows
 * through {@link io.crak.core.image.ImageSink}/{@link io.crak.core.image.ImageSource}.
 */
public class StorageException extends IOException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
