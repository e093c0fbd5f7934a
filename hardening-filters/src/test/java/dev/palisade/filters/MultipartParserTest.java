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
        return new MultipartParser.Options(threshold, tmp, maxParts, StandardCharsets.UTF_8);
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
        // 20 lines of 300 characters: 6 KB as characters, 18 KB as bytes.
        for (int i = 0; i < 20; i++) {
            body.append("X-").append((char) ('a' + i)).append(": ").append("\u20ac".repeat(300)).append("\r\n");
        }
        body.append("\r\nv\r\n--b--");
        assertThatThrownBy(() -> MultipartParser.parse(trickle(body.toString()), "b", options(10, 10)))
                .isInstanceOf(MalformedBodyException.class).hasMessageContaining("too large");
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
        for (String bad : new String[] {"UTF-8''%E2%8.txt", "x-none''a.txt", "UTF-8''%FF.txt", "UTF-8%41.txt"}) {
            assertThat(MultipartParser.fileName("form-data; name=\"f\"; filename=\"plain.txt\"; filename*=" + bad))
                    .as(bad).isEqualTo("plain.txt");
        }
        assertThat(MultipartParser.fileName("form-data; name=\"f\"")).isNull();
    }
}
