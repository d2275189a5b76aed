package io.crak.core.image;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads entries of an image directory written by {@link DirectoryImageSink}. */
public final class DirectoryImageSource implements ImageSource {
    private final Path dir;

    public DirectoryImageSource(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new FileNotFoundException("image directory " + dir + " does not exist");
        }
        this.dir = dir;
    }

    @Override
    public InputStream entry(String name) throws IOException {
        try {
            return new ChannelInputStream(java.nio.channels.FileChannel.open(dir.resolve(name)));
        } catch (NoSuchFileException e) {
            throw new FileNotFoundException("images " + dir + " lack entry " + name);
        }
    }

    @Override
    public java.util.Optional<Path> file(String name) {
        Path p = dir.resolve(name).toAbsolutePath();
        return Files.isRegularFile(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
    }

    @Override
    public String describe() {
        return "images " + dir;
    }

    @Override
    public void close() {
    }
}
