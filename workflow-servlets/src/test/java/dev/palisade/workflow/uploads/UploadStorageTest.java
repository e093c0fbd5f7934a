package dev.palisade.workflow.uploads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.domain.Upload;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class UploadStorageTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:15:30Z");
    private static final Team TEAM = new Team("acme");

    @TempDir
    Path root;

    private UploadStorage storage(long maxBytes) {
        return new UploadStorage(root, maxBytes, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private Upload store(UploadStorage storage, byte[] bytes, String declared, String name) throws Exception {
        return storage.store(TEAM, new ByteArrayInputStream(bytes), declared, name);
    }

    @Test
    void storesEachAllowedTypeUnderAGeneratedNameWithTheSniffedExtension() throws Exception {
        UploadStorage storage = storage(1 << 20);
        record Case(byte[] bytes, String declared, String mediaType, String extension) {
        }
        List<Case> cases = List.of(
                new Case(SampleFiles.pdf(), "application/pdf", "application/pdf", "pdf"),
                new Case(SampleFiles.png(), "image/png", "image/png", "png"),
                new Case(SampleFiles.jpeg(), "image/jpeg", "image/jpeg", "jpg"),
                new Case(SampleFiles.text("Menu: soup, fish, cake.\n"), "text/plain; charset=UTF-8", "text/plain", "txt"));
        for (Case c : cases) {
            Upload upload = store(storage, c.bytes(), c.declared(), "file");
            assertThat(upload.mediaType()).isEqualTo(c.mediaType());
            assertThat(upload.storedName()).isEqualTo(upload.id() + "." + c.extension());
            assertThat(upload.sizeBytes()).isEqualTo(c.bytes().length);
            assertThat(upload.createdAt()).isEqualTo(NOW);
            Path stored = storage.resolve(TEAM, upload.storedName());
            assertThat(stored.getParent()).isEqualTo(root.resolve("acme"));
            assertThat(Files.readAllBytes(stored)).isEqualTo(c.bytes());
        }
    }

    @Test
    void treatsMissingOrOctetStreamOrAliasDeclarationsAsAgreeing() throws Exception {
        UploadStorage storage = storage(1 << 20);
        assertThat(store(storage, SampleFiles.pdf(), null, "a.pdf").mediaType()).isEqualTo("application/pdf");
        assertThat(store(storage, SampleFiles.png(), "", "a.png").mediaType()).isEqualTo("image/png");
        assertThat(store(storage, SampleFiles.png(), "application/octet-stream", "a.png").mediaType())
                .isEqualTo("image/png");
        assertThat(store(storage, SampleFiles.jpeg(), "image/jpg", "a.jpg").mediaType()).isEqualTo("image/jpeg");
        assertThat(store(storage, SampleFiles.jpeg(), "IMAGE/JPEG", "a.jpg").mediaType()).isEqualTo("image/jpeg");
        assertThat(store(storage, SampleFiles.text("hi"), "text/plain", "a.txt").mediaType()).isEqualTo("text/plain");
    }

    @Test
    void rejectsADeclaredTypeThatDisagreesWithTheBytes() {
        UploadStorage storage = storage(1 << 20);
        assertMismatch(storage, SampleFiles.png(), "application/pdf");
        assertMismatch(storage, SampleFiles.pdf(), "image/png");
        assertMismatch(storage, SampleFiles.text("<html></html>"), "text/html");
        assertMismatch(storage, SampleFiles.text("plain"), "text/plain; charset=iso-8859-1");
        assertMismatch(storage, SampleFiles.text("%PDF"), "application/pdf");
        assertThat(filesUnderRoot()).isEmpty();
    }

    private void assertMismatch(UploadStorage storage, byte[] bytes, String declared) {
        assertThatThrownBy(() -> store(storage, bytes, declared, "x"))
                .isInstanceOfSatisfying(UnsupportedMediaTypeException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnsupportedMediaTypeException.Reason.DECLARED_TYPE_MISMATCH);
                    assertThat(e.status()).isEqualTo(415);
                });
    }

    @Test
    void rejectsExecutablesArchivesAndEmptyFilesWith415() {
        UploadStorage storage = storage(1 << 20);
        for (byte[] bytes : List.of(SampleFiles.exe(), SampleFiles.zip())) {
            assertThatThrownBy(() -> store(storage, bytes, null, "invoice.pdf"))
                    .isInstanceOfSatisfying(UnsupportedMediaTypeException.class, e -> {
                        assertThat(e.reason()).isEqualTo(UnsupportedMediaTypeException.Reason.NOT_ALLOWED);
                        assertThat(e.status()).isEqualTo(415);
                    });
        }
        assertThatThrownBy(() -> store(storage, new byte[0], "text/plain", "empty.txt"))
                .isInstanceOfSatisfying(UnsupportedMediaTypeException.class,
                        e -> assertThat(e.reason()).isEqualTo(UnsupportedMediaTypeException.Reason.EMPTY));
        assertThat(filesUnderRoot()).isEmpty();
    }

    @Test
    void rejectsTextThatTurnsBinaryAfterTheSniffedPrefixAndLeavesNothingBehind() {
        UploadStorage storage = storage(1 << 20);
        byte[] bytes = SampleFiles.text("a".repeat(TypeSniffer.SNIFF_BYTES * 3) + "\0binary");
        assertThatThrownBy(() -> store(storage, bytes, "text/plain", "notes.txt"))
                .isInstanceOf(UnsupportedMediaTypeException.class);
        byte[] cutAtTheEnd = Arrays.copyOf(SampleFiles.text("last char é"), 11);
        assertThatThrownBy(() -> store(storage, cutAtTheEnd, "text/plain", "notes.txt"))
                .isInstanceOf(UnsupportedMediaTypeException.class);
        assertThat(filesUnderRoot()).isEmpty();
    }

    @Test
    void acceptsExactlyTheLimitAndRejectsOneByteMoreLeavingNoFileBehind() throws Exception {
        UploadStorage storage = storage(10_000);
        byte[] atLimit = SampleFiles.text("x".repeat(10_000));
        assertThat(store(storage, atLimit, "text/plain", "ok.txt").sizeBytes()).isEqualTo(10_000);

        byte[] overLimit = SampleFiles.text("x".repeat(10_001));
        assertThatThrownBy(() -> store(storage, overLimit, "text/plain", "big.txt"))
                .isInstanceOfSatisfying(UploadTooLargeException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.maxBytes()).isEqualTo(10_000);
                });
        assertThat(filesUnderRoot()).hasSize(1);
    }

    @Test
    void rejectsAnUploadLargerThanALimitSmallerThanTheSniffedPrefix() {
        UploadStorage storage = storage(100);
        assertThatThrownBy(() -> store(storage, SampleFiles.text("y".repeat(101)), null, "big.txt"))
                .isInstanceOf(UploadTooLargeException.class);
        assertThat(filesUnderRoot()).isEmpty();
    }

    @Test
    void stopsReadingAStreamPastTheLimitAndDeletesThePartialFile() {
        long limit = 3L << 20;
        UploadStorage storage = storage(limit);
        GeneratedPdf huge = new GeneratedPdf(limit * 4);
        assertThatThrownBy(() -> storage.store(TEAM, huge, "application/pdf", "huge.pdf"))
                .isInstanceOf(UploadTooLargeException.class);
        assertThat(huge.produced()).as("stops reading soon after the limit").isLessThan(limit + (1 << 20));
        assertThat(filesUnderRoot()).isEmpty();
    }

    @Test
    void neverUsesTheClientFileNameInThePath() throws Exception {
        UploadStorage storage = storage(1 << 20);
        for (String name : List.of("../../etc/passwd", "C:\\x\\evil.pdf", "/abs/olute.pdf", "..", "a/../../b.txt",
                "evil.pdf\u0000.exe")) {
            Upload upload = store(storage, SampleFiles.pdf(), null, name);
            Path stored = storage.resolve(TEAM, upload.storedName()).toRealPath();
            assertThat(stored.getParent()).isEqualTo(root.resolve("acme").toRealPath());
            assertThat(upload.storedName()).isEqualTo(upload.id() + ".pdf");
        }
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.contains("passwd") || n.contains("evil") || n.contains("olute"));
        }
        assertThat(Files.exists(root.getParent().resolve("etc"))).isFalse();
    }

    @Test
    void keepsASanitisedDisplayNameOnly() throws Exception {
        UploadStorage storage = storage(1 << 20);
        assertThat(store(storage, SampleFiles.pdf(), null, "../../etc/passwd").originalName()).isEqualTo("passwd");
        assertThat(store(storage, SampleFiles.pdf(), null, "C:\\x\\evil.pdf").originalName()).isEqualTo("evil.pdf");
        assertThat(store(storage, SampleFiles.pdf(), null, "in\r\nvoice\u202Efdp.exe\t").originalName())
                .isEqualTo("invoicefdp.exe");
        assertThat(store(storage, SampleFiles.pdf(), null, "dir/").originalName()).isEqualTo("upload.pdf");
        assertThat(store(storage, SampleFiles.pdf(), null, null).originalName()).isEqualTo("upload.pdf");
        assertThat(store(storage, SampleFiles.pdf(), null, "..").originalName()).isEqualTo("upload.pdf");
        String longName = "😀".repeat(200) + ".pdf";
        String shown = store(storage, SampleFiles.pdf(), null, longName).originalName();
        assertThat(shown).hasSizeLessThanOrEqualTo(UploadStorage.MAX_DISPLAY_NAME);
        assertThat(shown.codePoints()).allMatch(cp -> cp == "😀".codePointAt(0));
    }

    @Test
    void refusesTeamIdsThatWouldEscapeTheRoot() {
        UploadStorage storage = storage(1 << 20);
        for (String id : List.of("..", ".")) {
            assertThatThrownBy(() -> storage.store(new Team(id), new ByteArrayInputStream(SampleFiles.pdf()), null, "a"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(filesUnderRoot()).isEmpty();
    }

    @Test
    void resolvesOnlyGeneratedNames() {
        UploadStorage storage = storage(1 << 20);
        assertThatThrownBy(() -> storage.resolve(TEAM, "../other/x.pdf")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> storage.resolve(TEAM, "passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void computesTheSha256OfTheBytes() throws Exception {
        Upload upload = store(storage(1 << 20), SampleFiles.text("hello\n"), "text/plain", "hello.txt");
        assertThat(upload.sha256()).isEqualTo("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
    }

    @Test
    void sniffsCorrectlyFromAStreamThatReturnsOneByteAtATime() throws Exception {
        byte[] png = SampleFiles.png();
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(png)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        Upload upload = storage(1 << 20).store(TEAM, trickle, "image/png", "dot.png");
        assertThat(upload.mediaType()).isEqualTo("image/png");
        assertThat(Files.readAllBytes(storage(1 << 20).resolve(TEAM, upload.storedName()))).isEqualTo(png);
    }

    @Test
    void streamsATwentyMebibyteUploadAndHashesIt() throws Exception {
        long size = 20L << 20;
        UploadStorage storage = storage(32L << 20);
        Upload upload = storage.store(TEAM, new GeneratedPdf(size), "application/pdf", "big.pdf");

        assertThat(upload.sizeBytes()).isEqualTo(size);
        assertThat(upload.sha256()).isEqualTo(sha256Of(new GeneratedPdf(size)));
        Path stored = storage.resolve(TEAM, upload.storedName());
        assertThat(Files.size(stored)).isEqualTo(size);
        try (InputStream in = Files.newInputStream(stored)) {
            assertThat(sha256Of(in)).isEqualTo(upload.sha256());
        }
        assertThat(filesUnderRoot()).containsExactly(stored);
    }

    @Test
    void removesTempFilesACrashLeftBehindButNotStoredFiles() throws Exception {
        UploadStorage storage = storage(1 << 20);
        Upload kept = store(storage, SampleFiles.pdf(), null, "a.pdf");
        Path teamDirectory = root.resolve("acme");
        Files.write(teamDirectory.resolve(UploadStorage.TEMP_PREFIX + "123" + UploadStorage.TEMP_SUFFIX), new byte[10]);
        Files.createDirectories(root.resolve("other"));
        Files.write(root.resolve("other").resolve(UploadStorage.TEMP_PREFIX + "9" + UploadStorage.TEMP_SUFFIX),
                new byte[1]);

        assertThat(storage.removeAbandonedTempFiles()).isEqualTo(2);
        assertThat(filesUnderRoot()).containsExactly(storage.resolve(TEAM, kept.storedName()));
    }

    @Test
    void removesOnlyTempFilesIdleLongEnoughWhenTheDirectoryIsShared() throws Exception {
        UploadStorage storage = storage(1 << 20);
        Path teamDirectory = Files.createDirectories(root.resolve("acme"));
        Path abandoned = Files.write(teamDirectory.resolve(UploadStorage.TEMP_PREFIX + "1" + UploadStorage.TEMP_SUFFIX),
                new byte[10]);
        Path inProgress = Files.write(teamDirectory.resolve(UploadStorage.TEMP_PREFIX + "2" + UploadStorage.TEMP_SUFFIX),
                new byte[10]);
        // Modification times relative to the storage's clock: one idle for 61 minutes, one written a second ago.
        Files.setLastModifiedTime(abandoned, FileTime.from(NOW.minus(Duration.ofMinutes(61))));
        Files.setLastModifiedTime(inProgress, FileTime.from(NOW.minusSeconds(1)));

        assertThat(storage.removeAbandonedTempFiles(Duration.ofHours(1))).isEqualTo(1);
        assertThat(filesUnderRoot()).containsExactly(inProgress);
        assertThatThrownBy(() -> storage.removeAbandonedTempFiles(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private List<Path> filesUnderRoot() {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Of(InputStream in) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A PDF header followed by deterministic pseudo-random bytes, generated as read: nothing is held in memory. */
    private static final class GeneratedPdf extends InputStream {
        private static final byte[] HEADER = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
        private final long size;
        private final SplittableRandom random = new SplittableRandom(42);
        private long position;

        GeneratedPdf(long size) {
            this.size = size;
        }

        long produced() {
            return position;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                long at = position + i;
                b[off + i] = at < HEADER.length ? HEADER[(int) at] : (byte) random.nextInt(256);
            }
            position += n;
            return n;
        }
    }
}
