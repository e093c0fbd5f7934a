package dev.palisade.workflow.uploads;

import dev.palisade.workflow.domain.Ids;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.domain.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams uploads to disk, one directory per team: {@code <root>/<team>/<id>.<ext>}. The name is
 * generated (a random id and the extension of the type sniffed from the bytes); the client's file
 * name is kept only as a sanitised display name in the returned {@link Upload} and never reaches a
 * path.
 *
 * <p>One upload is read through a fixed buffer (memory stays bounded whatever the size): the first
 * bytes decide the type ({@link TypeSniffer}) and are checked against the declared type before
 * anything is written; then bytes are counted against the limit, hashed (SHA-256) and written to a
 * temporary file in the team's directory. Text is checked as UTF-8 to its last byte, not only in the
 * sniffed prefix. Only a complete, accepted file is forced to disk and atomically renamed to its
 * final name, so a crash or a rejection never leaves a partial file under a final name; a rejected
 * upload's temporary file is deleted at once, and {@link #removeAbandonedTempFiles()} clears those a
 * crash left behind.
 *
 * <p>The caller records the returned {@link Upload} in the store; if that fails it should
 * {@link #delete} the file. Reading the rest of a rejected request body (or closing the connection)
 * is the servlet's concern. Thread-safe: it holds no state between uploads.
 */
public final class UploadStorage {
    private static final Logger LOG = LoggerFactory.getLogger(UploadStorage.class);

    /** Display names are capped at this many UTF-16 chars. */
    public static final int MAX_DISPLAY_NAME = 255;

    static final String TEMP_PREFIX = ".upload-";
    static final String TEMP_SUFFIX = ".part";
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final Pattern STORED_NAME =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.(pdf|png|jpg|txt)");

    private final Path root;
    private final long maxBytes;
    private final Clock clock;

    /**
     * @param root     directory holding one sub-directory per team (created when needed)
     * @param maxBytes largest accepted upload in bytes; one byte more is {@link UploadTooLargeException}
     * @param clock    source of {@link Upload#createdAt()}
     */
    public UploadStorage(Path root, long maxBytes, Clock clock) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.root = root.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Stores one upload of {@code team} read from {@code in} (not closed here).
     *
     * @param declaredContentType the part's {@code Content-Type}; null or {@code application/octet-stream} claims nothing
     * @param originalFileName    the client's file name, for display only; may be null
     * @throws UploadTooLargeException       more than {@link #maxBytes()} bytes (413)
     * @throws UnsupportedMediaTypeException not an allowed type, or the declared type disagrees with the bytes (415)
     * @throws IOException                   reading the request or writing the disk failed
     */
    public Upload store(Team team, InputStream in, String declaredContentType, String originalFileName)
            throws IOException, UploadRejectedException {
        Path directory = teamDirectory(team);
        byte[] buffer = new byte[BUFFER_BYTES];
        int prefixLength = readPrefix(in, buffer, TypeSniffer.SNIFF_BYTES);
        if (prefixLength == 0) {
            throw new UnsupportedMediaTypeException(UnsupportedMediaTypeException.Reason.EMPTY);
        }
        UploadType type = TypeSniffer.sniff(buffer, prefixLength)
                .orElseThrow(() -> new UnsupportedMediaTypeException(UnsupportedMediaTypeException.Reason.NOT_ALLOWED));
        if (!type.isCompatibleWith(declaredContentType)) {
            throw new UnsupportedMediaTypeException(UnsupportedMediaTypeException.Reason.DECLARED_TYPE_MISMATCH);
        }
        if (prefixLength > maxBytes) {
            throw new UploadTooLargeException(maxBytes);
        }

        Files.createDirectories(directory);
        String id = Ids.newId();
        String storedName = id + "." + type.extension();
        Path temp = Files.createTempFile(directory, TEMP_PREFIX, TEMP_SUFFIX);
        try {
            Written written = write(temp, in, buffer, prefixLength, type);
            Files.move(temp, directory.resolve(storedName), StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(directory);
            return new Upload(id, storedName, displayName(originalFileName, type), type.mediaType(),
                    written.size(), written.sha256(), clock.instant());
        } catch (Throwable failure) {
            // Precise rethrow: only what the try block can throw leaves here.
            deleteAfterFailure(temp, failure);
            throw failure;
        }
    }

    /** Path of a stored file of {@code team}; {@code storedName} must be a name this class generated. */
    public Path resolve(Team team, String storedName) {
        if (storedName == null || !STORED_NAME.matcher(storedName).matches()) {
            throw new IllegalArgumentException("not a stored upload name");
        }
        return teamDirectory(team).resolve(storedName);
    }

    /** Deletes a stored file (e.g. when recording it in the store failed); false if it was not there. */
    public boolean delete(Team team, String storedName) throws IOException {
        return Files.deleteIfExists(resolve(team, storedName));
    }

    /**
     * Deletes temporary files a crash left behind in every team directory; returns how many. Call
     * once at start-up, before uploads are accepted (it would delete an upload in progress), and only
     * when this process is the directory's one user (the SQLite store's data-directory lock).
     */
    public int removeAbandonedTempFiles() throws IOException {
        return removeTempFiles(Duration.ZERO);
    }

    /**
     * Deletes temporary files not written to for {@code idle} (by the files' modification times and
     * {@code clock}); returns how many. Safe while other processes upload into the same directory, as
     * servers sharing a PostgreSQL store may: an upload in progress writes its file every few
     * milliseconds, so only one abandoned by a crash stays idle that long.
     */
    public int removeAbandonedTempFiles(Duration idle) throws IOException {
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("idle must be positive");
        }
        return removeTempFiles(idle);
    }

    private int removeTempFiles(Duration idle) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(idle);
        int removed = 0;
        try (DirectoryStream<Path> teams = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path teamDirectory : teams) {
                try (DirectoryStream<Path> temps =
                        Files.newDirectoryStream(teamDirectory, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
                    for (Path temp : temps) {
                        if (isIdleSince(temp, idle, cutoff) && Files.deleteIfExists(temp)) {
                            removed++;
                        }
                    }
                }
            }
        }
        if (removed > 0) {
            LOG.info("Removed {} partial upload file(s) left by an earlier crash under {}", removed, root);
        }
        return removed;
    }

    private static boolean isIdleSince(Path temp, Duration idle, Instant cutoff) throws IOException {
        if (idle.isZero()) {
            return true;
        }
        try {
            return Files.getLastModifiedTime(temp).toInstant().isBefore(cutoff);
        } catch (NoSuchFileException e) {
            // Finished (renamed) or removed by its own process meanwhile: nothing to clean.
            return false;
        }
    }

    private Path teamDirectory(Team team) {
        Path directory = root.resolve(team.id()).normalize();
        // Team ids may be "." or "..": valid names, but never a directory outside or equal to the root.
        if (!root.equals(directory.getParent())) {
            throw new IllegalArgumentException("team id cannot name an upload directory");
        }
        return directory;
    }

    private Written write(Path temp, InputStream in, byte[] buffer, int prefixLength, UploadType type)
            throws IOException, UploadRejectedException {
        MessageDigest sha256 = sha256();
        Utf8TextValidator text = type == UploadType.TEXT ? new Utf8TextValidator() : null;
        long size = 0;
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            int n = prefixLength;
            while (n != -1) {
                if (n > 0) {
                    size += n;
                    if (size > maxBytes) {
                        throw new UploadTooLargeException(maxBytes);
                    }
                    if (text != null && !text.accept(buffer, 0, n)) {
                        throw new UnsupportedMediaTypeException(UnsupportedMediaTypeException.Reason.NOT_ALLOWED);
                    }
                    sha256.update(buffer, 0, n);
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                }
                n = in.read(buffer);
            }
            if (text != null && !text.isComplete()) {
                throw new UnsupportedMediaTypeException(UnsupportedMediaTypeException.Reason.NOT_ALLOWED);
            }
            channel.force(true);
        }
        return new Written(size, HexFormat.of().formatHex(sha256.digest()));
    }

    /** Reads until {@code wanted} bytes or the end of the stream; a short read does not mean the end. */
    private static int readPrefix(InputStream in, byte[] buffer, int wanted) throws IOException {
        int total = 0;
        while (total < wanted) {
            int n = in.read(buffer, total, wanted - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Makes the rename durable: on Linux a directory's entries reach the disk only when it is forced. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; the file itself is already forced.
            LOG.debug("Could not force upload directory {} to disk", directory, e);
        }
    }

    private static void deleteAfterFailure(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e);
            LOG.warn("Could not delete partial upload {}; it is removed at the next start", temp, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /**
     * The client's file name made fit for display: path parts (either separator) dropped, control and
     * invisible formatting characters (bidi overrides, line separators) removed, whitespace trimmed,
     * length capped. When nothing is left, {@code upload.<ext>}.
     */
    static String displayName(String originalFileName, UploadType type) {
        String fallback = "upload." + type.extension();
        if (originalFileName == null) {
            return fallback;
        }
        int lastSeparator = Math.max(originalFileName.lastIndexOf('/'), originalFileName.lastIndexOf('\\'));
        String base = originalFileName.substring(lastSeparator + 1);
        StringBuilder clean = new StringBuilder(Math.min(base.length(), MAX_DISPLAY_NAME));
        base.codePoints().filter(UploadStorage::isDisplayable).forEachOrdered(clean::appendCodePoint);
        String name = clean.toString().strip();
        if (name.length() > MAX_DISPLAY_NAME) {
            int end = MAX_DISPLAY_NAME;
            if (Character.isHighSurrogate(name.charAt(end - 1))) {
                end--;
            }
            name = name.substring(0, end).strip();
        }
        return name.isEmpty() || name.chars().allMatch(c -> c == '.') ? fallback : name;
    }

    private static boolean isDisplayable(int codePoint) {
        int category = Character.getType(codePoint);
        return !Character.isISOControl(codePoint)
                && category != Character.FORMAT
                && category != Character.LINE_SEPARATOR
                && category != Character.PARAGRAPH_SEPARATOR
                && category != Character.SURROGATE
                && category != Character.UNASSIGNED
                && category != Character.PRIVATE_USE;
    }

    private record Written(long size, String sha256) {
    }
}
