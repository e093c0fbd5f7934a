package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipartParserTest {
    @TempDir
    Path tmp;

    /** Delivers one byte per read, as a trickling client would. */
    static InputStream trickle(String body) {
        ByteArrayInputStream in = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
        return new InputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, Math.min(len, 1));
            }
        };
    }

    MultipartParser.Options options(long threshold, int maxParts) {
        return new MultipartParser.Options(threshold, tmp, maxParts, StandardCharsets.UTF_8, -1, tmp);
    }

    @Test
    void parsesPartsFromATricklingStreamWithPreambleAndEpilogue() throws IOException {
        String body = "preamble\r\n--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n-b\r\n-\r\n"
                + "--b  \r\nContent-Disposition: form-data; name=\"f\"; filename=\"q\\\"t.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n0123456789\r\n--b--\r\nepilogue";

        List<UploadedPart> parts = MultipartParser.parse(trickle(body), "b", options(8, 10));

        assertThat(parts).extracting(UploadedPart::getName).containsExactly("a", "f");
        assertThat(parts.get(0).text(StandardCharsets.UTF_8)).isEqualTo("x\r\n-b\r\n-");
        assertThat(parts.get(1).getSubmittedFileName()).isEqualTo("q\"t.txt");
        assertThat(parts.get(1).getContentType()).isEqualTo("text/plain");
        assertThat(parts.get(1).getInputStream().readAllBytes()).asString().isEqualTo("0123456789");
        try (var files = Files.list(tmp)) {
            assertThat(files).hasSize(1);
        }
        parts.get(1).delete();
        try (var files = Files.list(tmp)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void readsTheBoundaryFromTheContentType() {
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=abc")).isEqualTo("abc");
        assertThat(MultipartParser.boundary("multipart/form-data; charset=UTF-8; boundary=\"a;b c\"")).isEqualTo("a;b c");
        assertThat(MultipartParser.boundary("multipart/form-data")).isNull();
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=" + "x".repeat(71))).isNull();
    }

    /** The part-header cap counts bytes: lines of 3-byte characters, each within what is left in characters, add up. */
    @Test
    void capsPartHeadersInBytesNotCharacters() {
        StringBuilder body = new StringBuilder("--b\r\nContent-Disposition: form-data; name=\"f\"\r\n");
        // 8 lines of 900 characters: 7.2 KB as characters, 21.6 KB as bytes.
        for (int i = 0; i < 8; i++) {
            body.append("X-").append((char) ('a' + i)).append(": ").append("\u20ac".repeat(900)).append("\r\n");
        }
        body.append("\r\nv\r\n--b--");
        assertThatThrownBy(() -> MultipartParser.parse(trickle(body.toString()), "b", options(10, 10)))
                .isInstanceOf(MalformedBodyException.class).hasMessageContaining("too large");
    }

    /**
     * Shapes a review found costly within the header cap (each once quadratic or unbounded), parsed
     * right: a folded value, a run of {@code ;} before the parameters, and more fields than a part has.
     * Their cost is measured in {@code MultipartHostileBenchmark}.
     */
    @Test
    void unfoldsContinuedValuesAndFindsParametersAfterARunOfSemicolons() throws IOException {
        String body = "--b\r\nContent-Disposition: form-data;" + ";".repeat(4000) + " name=\"a\"\r\n"
                + "X-Folded: one\r\n two\r\n\tthree\r\n" + " x\r\n".repeat(500) + "Content-Type: text/plain\r\n\r\nv\r\n--b--";

        UploadedPart part = MultipartParser.parse(trickle(body), "b", options(10, 10)).get(0);

        assertThat(part.getName()).isEqualTo("a");
        assertThat(part.getHeader("X-Folded")).isEqualTo("one two three" + " x".repeat(500));
        assertThat(part.getContentType()).isEqualTo("text/plain");
        assertThat(MultipartParser.parameter("form-data; x; y=1;;; name=n; z", "name")).isEqualTo("n");
        assertThat(MultipartParser.parameter("form-data; x; y=1; z", "z")).isNull();
        assertThat(MultipartParser.parameter("form-data;;;;", "name")).isNull();
    }

    @Test
    void refusesMoreHeaderFieldsPerPartThanAnyClientSends() throws IOException {
        String fields = "Content-Disposition: form-data; name=\"a\"\r\n" + "a:\r\n".repeat(MultipartParser.MAX_HEADERS_PER_PART - 1);
        assertThat(MultipartParser.parse(trickle("--b\r\n" + fields + "\r\nv\r\n--b--"), "b", options(10, 10))).hasSize(1);
        assertThatThrownBy(() -> MultipartParser.parse(trickle("--b\r\n" + fields + "a:\r\n\r\nv\r\n--b--"), "b", options(10, 10)))
                .isInstanceOf(MalformedBodyException.class).hasMessageContaining("Too many multipart part headers");
    }

    @Test
    void rejectsBrokenFramingAndDeletesWhatWasSpilled() {
        String truncated = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n" + "y".repeat(100);
        assertThatThrownBy(() -> MultipartParser.parse(trickle(truncated), "b", options(10, 10)))
                .isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> MultipartParser.parse(trickle("no boundary at all"), "b", options(10, 10)))
                .isInstanceOf(MalformedBodyException.class);
        String noHeaderEnd = "--b\r\n" + "X-Long: " + "h".repeat(MultipartParser.MAX_HEADER_BYTES) + "\r\n\r\n\r\n--b--";
        assertThatThrownBy(() -> MultipartParser.parse(trickle(noHeaderEnd), "b", options(10, 10)))
                .isInstanceOf(MalformedBodyException.class);
        String twoParts = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + "z".repeat(50)
                + "\r\n--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\nz\r\n--b--";
        assertThatThrownBy(() -> MultipartParser.parse(trickle(twoParts), "b", options(10, 1)))
                .isInstanceOf(MalformedBodyException.class);
        try (var files = Files.list(tmp)) {
            assertThat(files).isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void prefersAWellFormedExtendedFileName() {
        assertThat(MultipartParser.fileName("form-data; name=\"f\"; filename=\"a.txt\"; filename*=UTF-8''%E2%82%AC.txt"))
                .isEqualTo("\u20ac.txt");
        assertThat(MultipartParser.fileName("form-data; name=\"f\"; filename*=iso-8859-1'en'%E9.txt")).isEqualTo("\u00e9.txt");
        // Malformed: a broken escape, an unknown charset, bytes the charset cannot decode, no quotes.
        // Other scripts' digits are not hex digits: "%\u06641" is not "A".
        for (String bad : new String[] {"UTF-8''%E2%8.txt", "x-none''a.txt", "UTF-8''%FF.txt", "UTF-8%41.txt",
            "UTF-8''%\u06641.txt"}) {
            assertThat(MultipartParser.fileName("form-data; name=\"f\"; filename=\"plain.txt\"; filename*=" + bad))
                    .as(bad).isEqualTo("plain.txt");
        }
        assertThat(MultipartParser.fileName("form-data; name=\"f\"")).isNull();
    }

    /** Delivers {@code body} in reads of up to {@code size} bytes. */
    static InputStream chunked(String body, int size) {
        ByteArrayInputStream in = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
        return new InputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, Math.min(len, size));
            }
        };
    }

    /** Every other test trickles a byte per read: a body read in large chunks, as most are, keeps every byte too. */
    @Test
    void parsesABodyReadInLargeChunks() throws IOException {
        String big = "0123456789abcdef".repeat(3000);
        String small = "x".repeat(12_000); // the next part's headers start deep in the buffer
        String body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + small + "\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n" + big + "\r\n--b--\r\n"
                + "e".repeat(100_000);
        for (int size : new int[] {body.length(), 16 * 1024, 7000, 4097}) {
            InputStream in = chunked(body, size);
            List<UploadedPart> parts = MultipartParser.parse(in, "b", options(64, 10));

            assertThat(parts.get(0).text(StandardCharsets.UTF_8)).as("reads of %d", size).isEqualTo(small);
            assertThat(parts.get(1).getInputStream().readAllBytes()).asString().as("reads of %d", size).isEqualTo(big);
            assertThat(in.read()).as("the epilogue is read, and counted").isEqualTo(-1);
            parts.get(1).delete();
        }
    }

    @Test
    void aPartOfExactlyTheLargestSizeIsTakenAndOneByteMoreRefused() throws IOException {
        MultipartParser.Options max10 = new MultipartParser.Options(64, tmp, 10, StandardCharsets.UTF_8, 10, tmp);
        String head = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n";

        assertThat(MultipartParser.parse(chunked(head + "0123456789\r\n--b--", 1000), "b", max10)).hasSize(1);
        assertThatThrownBy(() -> MultipartParser.parse(chunked(head + "0123456789X\r\n--b--", 1000), "b", max10))
                .isInstanceOf(RequestTooLargeException.class);
    }

    @Test
    void refusesAPartWithoutADispositionAndAHeaderWithoutAName() {
        assertThatThrownBy(() -> MultipartParser.parse(trickle("--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--"), "b",
                options(10, 10))).isInstanceOf(MalformedBodyException.class).hasMessageContaining("no form-data name");
        assertThatThrownBy(() -> MultipartParser.parse(trickle("--b\r\n: x\r\nContent-Disposition: form-data; name=\"a\""
                + "\r\n\r\nv\r\n--b--"), "b", options(10, 10))).isInstanceOf(MalformedBodyException.class)
                .hasMessageContaining("Malformed multipart header");
    }

    /** Header values a client may cut short anywhere: read to their end, never past it. */
    @Test
    void readsParametersCutShortAtTheEndOfTheValue() {
        assertThat(MultipartParser.parameter("form-data; name=", "name")).isEmpty();
        assertThat(MultipartParser.parameter("form-data; name=\"abc", "name")).isEqualTo("abc");
        assertThat(MultipartParser.parameter("form-data; name=\"a\\", "name")).isEqualTo("a\\");
        assertThat(MultipartParser.parameter("form-data; name= \"a\"", "name")).isEqualTo("a");
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=" + "x".repeat(70))).hasSize(70);
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=a~b")).isEqualTo("a~b");
        assertThat(MultipartParser.boundary("multipart/form-data; boundary=a\u00e9b")).isNull();
        assertThat(MultipartParser.fileName("form-data; name=\"f\"; filename*=UTF-8''a%20%30.txt")).isEqualTo("a 0.txt");
        for (String cut : new String[] {"UTF-8''a%", "UTF-8''a%4"}) {
            assertThat(MultipartParser.fileName("form-data; name=\"f\"; filename=\"p\"; filename*=" + cut)).as(cut).isEqualTo("p");
        }
    }
}
