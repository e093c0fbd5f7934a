package dev.palisade.workflow.store.jdbc;

import dev.palisade.workflow.store.StoreStartupException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exclusive ownership of a data directory by one process: an OS lock ({@link FileChannel#tryLock()}) on
 * {@value #FILE_NAME}, held for the store's lifetime. The OS drops the lock when the process dies, so a
 * crash leaves nothing that blocks the next start; the file itself may stay behind and is never a lock by
 * its mere presence. It records the owner's pid for the refusal message.
 *
 * <p>POSIX releases all of a process's locks on a file when ANY descriptor of that file is closed. So
 * within one JVM a second store must be refused before it opens the lock file at all (the registry of
 * held directories), and nothing else may open that file while the lock is held.
 */
final class DataDirLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirLock.class);

    /** Name of the lock file inside the data directory. */
    static final String FILE_NAME = "palisade.lock";

    private static final Pattern PID = Pattern.compile("pid=(\\d+)");
    private static final int MAX_OWNER_BYTES = 256;

    /** Data directories (real paths) locked by this JVM. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    /**
     * Channels that found the file locked by other code in this JVM. Closing them would release that
     * code's OS lock (see the class comment), so they stay open until the JVM exits.
     */
    private static final List<FileChannel> KEPT_OPEN = new CopyOnWriteArrayList<>();

    private final Path directory;
    private final FileChannel channel;

    private DataDirLock(Path directory, FileChannel channel) {
        this.directory = directory;
        this.channel = channel;
    }

    /**
     * Locks {@code directory} (a real path, already checked to be a writable directory) for this process.
     *
     * @throws StoreStartupException when another process or another store of this JVM holds it
     */
    static DataDirLock acquire(Path directory, Instant now) {
        long pid = ProcessHandle.current().pid();
        if (!HELD.add(directory)) {
            throw new StoreStartupException("Data directory " + directory
                    + " is in use by another store of this Palisade process (pid " + pid + ")");
        }
        try {
            return lock(directory, pid, now);
        } catch (RuntimeException e) {
            HELD.remove(directory);
            throw e;
        }
    }

    private static DataDirLock lock(Path directory, long pid, Instant now) {
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreStartupException("Cannot open the lock file " + file + " in data directory " + directory
                    + ": " + e, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            KEPT_OPEN.add(channel);
            throw new StoreStartupException("Data directory " + directory
                    + " is in use by this Palisade process (pid " + pid + ")", e);
        } catch (IOException e) {
            closeAfterFailure(channel, e);
            throw new StoreStartupException("Cannot lock " + file + " in data directory " + directory + ": " + e, e);
        }
        if (lock == null) {
            String owner = readOwnerPid(channel);
            closeAfterFailure(channel, null);
            throw new StoreStartupException("Data directory " + directory
                    + " is in use by another Palisade process (pid " + owner + "); stop it or choose another DATA_DIR");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid=" + pid + " since=" + now + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
        } catch (IOException e) {
            closeAfterFailure(channel, e);
            throw new StoreStartupException("Cannot write the lock file " + file + ": " + e, e);
        }
        return new DataDirLock(directory, channel);
    }

    private static String readOwnerPid(FileChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_OWNER_BYTES);
        try {
            channel.read(buffer, 0);
        } catch (IOException e) {
            LOG.warn("cannot read the owner of a locked data directory", e);
            return "unknown";
        }
        Matcher matcher = PID.matcher(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
        return matcher.find() ? matcher.group(1) : "unknown";
    }

    private static void closeAfterFailure(FileChannel channel, Exception cause) {
        try {
            channel.close();
        } catch (IOException closeFailure) {
            if (cause != null) {
                cause.addSuppressed(closeFailure);
            } else {
                LOG.warn("cannot close the lock file channel", closeFailure);
            }
        }
    }

    /** Releases the lock; the file stays (deleting it would race with a process that just opened it). */
    @Override
    public void close() {
        try {
            channel.close(); // releases the lock taken through it
        } catch (IOException e) {
            LOG.warn("cannot release the lock of data directory {}; it is released when the process exits",
                    directory, e);
        } finally {
            HELD.remove(directory);
        }
    }
}
