package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.RawHttp;
import dev.palisade.workflow.domain.Team;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/uploads}: the type is sniffed from the bytes, the size limited, the name generated. */
class UploadTest {
    private static final long LIMIT = 64 * 1024;
    private static final String BOUNDARY = "----palisade-test-boundary";
    private static final byte[] PDF = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private WorkflowServer server;

    @BeforeEach
    void start() throws Exception {
        server = WorkflowServer.builder(dir).uploadLimit(LIMIT).start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private HttpResult upload(String field, String fileName, String declaredType, byte[] content) {
        return upload(WorkflowServer.SYSTEM_A, field, fileName, declaredType, content);
    }

    private HttpResult upload(String token, String field, String fileName, String declaredType, byte[] content) {
        return server.send(server.request("/api/uploads", token)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(field, fileName, declaredType, content))));
    }

    /** The same body without a Content-Length (chunked): the size filter parses and counts it itself. */
    private HttpResult uploadChunked(String fileName, String declaredType, byte[] content) {
        byte[] body = multipart("file", fileName, declaredType, content);
        return server.send(server.request("/api/uploads", WorkflowServer.SYSTEM_A)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));
    }

    private static byte[] multipart(String field, String fileName, String declaredType, byte[] content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                + fileName + "\"\r\n" + (declaredType == null ? "" : "Content-Type: " + declaredType + "\r\n") + "\r\n";
        body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    @Test
    void storesAPdfUnderAGeneratedName() throws Exception {
        HttpResult result = upload("file", "../../etc/passwd.pdf", "application/pdf", PDF);
        assertThat(result.status()).as(result.toString()).isEqualTo(201);
        assertThat(result.text("mediaType")).isEqualTo("application/pdf");
        assertThat(result.json().get("size").asLong()).isEqualTo(PDF.length);
        assertThat(result.text("sha256")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PDF)));
        String uploadId = result.text("uploadId");
        var stored = server.store().inTeam(new Team(WorkflowServer.TEAM_A), tx -> tx.upload(uploadId)).orElseThrow();
        assertThat(stored.storedName()).doesNotContain("passwd").doesNotContain("/");
        try (Stream<Path> files = Files.walk(dir.resolve("uploads"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .containsExactly(stored.storedName());
        }
    }

    @Test
    void refusesAnExecutable() {
        byte[] exe = new byte[512];
        exe[0] = 'M';
        exe[1] = 'Z';
        HttpResult result = upload("file", "setup.pdf", "application/pdf", exe);
        assertThat(result.status()).as(result.toString()).isEqualTo(415);
        assertThat(result.contentType()).startsWith("application/problem+json");
    }

    @Test
    void refusesADeclaredTypeThatDisagreesWithTheBytes() {
        HttpResult result = upload("file", "photo.png", "image/png", PDF);
        assertThat(result.status()).as(result.toString()).isEqualTo(415);
        assertThat(result.contentType()).startsWith("application/problem+json");
    }

    @Test
    void refusesAFileOverTheLimit() throws Exception {
        byte[] big = Arrays.copyOf(PDF, (int) LIMIT + 1);
        Arrays.fill(big, PDF.length, big.length, (byte) ' ');
        RawHttp.Response result = uploadRaw(multipart("file", "big.pdf", "application/pdf", big), false);
        assertThat(result.status()).as(result.body()).isEqualTo(413);
        assertThat(result.header("Content-Type")).startsWith("application/problem+json");
        try (Stream<Path> files = Files.walk(dir.resolve("uploads"))) {
            assertThat(files.filter(Files::isRegularFile)).as("nothing left on disk").isEmpty();
        }
    }

    @Test
    void refusesARequestFarOverTheLimitBeforeReadingIt() throws Exception {
        // Only the head is sent: the declared length alone must draw the answer.
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(uploadHead("Content-Length: " + LIMIT * 4));
            RawHttp.Response response = http.readResponse();
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        }
    }

    @Test
    void acceptsAChunkedUploadAndRefusesOneOverTheLimit() throws Exception {
        HttpResult small = uploadChunked("a.pdf", "application/pdf", PDF);
        assertThat(small.status()).as(small.toString()).isEqualTo(201);
        assertThat(small.json().get("size").asLong()).isEqualTo(PDF.length);

        byte[] big = Arrays.copyOf(PDF, (int) LIMIT + 1);
        Arrays.fill(big, PDF.length, big.length, (byte) ' ');
        assertThat(uploadRawChunked(multipart("file", "big.pdf", "application/pdf", big)).status()).isEqualTo(413);
        RawHttp.Response huge = uploadRawChunked(multipart("file", "huge.pdf", "application/pdf",
                Arrays.copyOf(PDF, (int) LIMIT * 4)));
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.header("Content-Type")).startsWith("application/problem+json");
    }

    private String uploadHead(String framing) {
        return "POST /api/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + WorkflowServer.SYSTEM_A
                + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\n" + framing + "\r\n\r\n";
    }

    private RawHttp.Response uploadRawChunked(byte[] body) throws Exception {
        return uploadRaw(body, true);
    }

    /**
     * An upload over a raw socket that stops writing once the server has answered or closed: a client
     * library that keeps writing into a refused body may report the reset instead of the 413.
     */
    private RawHttp.Response uploadRaw(byte[] body, boolean chunked) throws Exception {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(uploadHead(chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length));
            for (int from = 0; from < body.length && !http.responsePending() && !http.writeFailed(); from += 8192) {
                byte[] piece = Arrays.copyOfRange(body, from, Math.min(body.length, from + 8192));
                if (chunked) {
                    http.chunk(piece);
                } else {
                    http.send(piece);
                }
            }
            if (chunked && !http.responsePending() && !http.writeFailed()) {
                http.lastChunk();
            }
            return http.readResponse();
        }
    }

    @Test
    void acceptsPlainTextAndPngAndSniffsAnUndeclaredType() {
        HttpResult text = upload("file", "notes.txt", "text/plain", "Menu: soup, fish, cake.\n".getBytes(StandardCharsets.UTF_8));
        assertThat(text.status()).as(text.toString()).isEqualTo(201);
        assertThat(text.text("mediaType")).startsWith("text/plain");
        byte[] png = Arrays.copyOf(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 64);
        HttpResult image = upload("file", "plan", "application/octet-stream", png);
        assertThat(image.status()).as(image.toString()).isEqualTo(201);
        assertThat(image.text("mediaType")).isEqualTo("image/png");
    }

    @Test
    void needsTheFileField() {
        HttpResult result = upload("document", "a.pdf", "application/pdf", PDF);
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.text("detail")).isEqualTo("Field 'file' is required.");
    }

    @Test
    void needsAMultipartBody() {
        HttpResult result = server.post("/api/uploads", WorkflowServer.SYSTEM_A, "{}");
        assertThat(result.status()).isEqualTo(415);
    }
}
