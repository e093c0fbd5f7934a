package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed and oversized JSON through the whole chain: 400/413/415 problem bodies, never parser text. */
class BadInputTest {
    private static final String START = "/api/start-conversation";

    @TempDir
    static Path dir;
    private static WorkflowServer server;

    @BeforeAll
    static void start() throws Exception {
        server = WorkflowServer.builder(dir).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static HttpResult start(String body) {
        return server.post(START, WorkflowServer.SYSTEM_A, body);
    }

    private static void assertBadRequest(HttpResult result, String detail) {
        assertThat(result.status()).as(result.toString()).isEqualTo(400);
        assertThat(result.contentType()).startsWith("application/problem+json");
        assertThat(result.text("detail")).isEqualTo(detail);
        assertThat(result.body()).doesNotContain("Jackson").doesNotContain("com.fasterxml").doesNotContain("line:")
                .doesNotContain("Exception").doesNotContain("Unexpected character");
        assertThat(result.text("requestId")).isEqualTo(result.header("X-Request-Id"));
    }

    @Test
    void malformedJson() {
        assertBadRequest(start("{\"email\":\"a@example.com\","), Json.NOT_JSON);
        assertBadRequest(start("not json"), Json.NOT_JSON);
    }

    @Test
    void trailingGarbage() {
        assertBadRequest(start("{\"email\":\"a@example.com\",\"message\":\"hi\"} trailing"), Json.NOT_JSON);
    }

    @Test
    void wrongTypes() {
        assertBadRequest(start("{\"email\":\"a@example.com\",\"message\":42}"), "Field 'message' has the wrong type.");
        assertBadRequest(start("{\"email\":[\"a@example.com\"],\"message\":\"hi\"}"), "Field 'email' has the wrong type.");
        assertBadRequest(server.post("/api/events/00000000-0000-0000-0000-000000000000/availability",
                WorkflowServer.SYSTEM_A, "{\"guests\":\"forty\"}"), "Field 'guests' has the wrong type.");
    }

    @Test
    void unknownFields() {
        assertBadRequest(start("{\"email\":\"a@example.com\",\"message\":\"hi\",\"foo\":1}"), "Unknown field 'foo'.");
        assertBadRequest(start("{\"email\":\"a@example.com\",\"message\":\"hi\",\"x\\ny\":1}"),
                "The body has an unknown field.");
    }

    @Test
    void missingFields() {
        assertBadRequest(start("{\"message\":\"hi\"}"), "Field 'email' is required.");
        assertBadRequest(start("{\"email\":\"a@example.com\"}"), "Field 'message' is required.");
        assertBadRequest(start("{\"email\":\"a@example.com\",\"message\":null}"), "Field 'message' is required.");
        assertBadRequest(server.post(START, WorkflowServer.SYSTEM_A, ""), "A JSON body is required.");
    }

    @Test
    void invalidValues() {
        assertBadRequest(start("{\"email\":\"not-an-address\",\"message\":\"hi\"}"),
                "Field 'email' is not a valid email address.");
        assertBadRequest(start("{\"email\":\"a@example.com\",\"message\":\"   \"}"), "Field 'message' must not be empty.");
        assertBadRequest(start("{\"email\":\"a\\u0000b@example.com\",\"message\":\"hi\"}"),
                "Field 'email' is not a valid email address.");
        assertBadRequest(start("{\"email\":\"a@example.com\\r\\nBcc: x@evil.example\",\"message\":\"hi\"}"),
                "Field 'email' is not a valid email address.");
        assertBadRequest(start("{\"email\":\"a@example.com\",\"message\":\"" + "a".repeat(Fields.MAX_MESSAGE + 1) + "\"}"),
                "Field 'message' is too long.");
        assertBadRequest(start("{\"email\":\"a@example.com\",\"name\":\"A\\u0000B\",\"message\":\"hi\"}"),
                "Field 'name' contains control characters.");
    }

    @Test
    void deeplyNestedDocuments() {
        String deep = "{\"email\":\"a@example.com\",\"message\":\"hi\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertBadRequest(start(deep), Json.TOO_DEEP_OR_LONG);
    }

    /**
     * Jetty refuses a broken percent-escape in the query string only when the servlet asks for a
     * parameter, by throwing into it: a 400 for the client's typo, not a 500 and an ERROR.
     */
    @Test
    void aQueryParameterThatCannotBeDecodedIsA400() throws Exception {
        // Raw: a client library refuses to send such a URI at all.
        for (String query : new String[] {"limit=%zz", "limit=%ff", "limit=%"}) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(("GET /api/events?" + query + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + WorkflowServer.MANAGER_A + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String head = readHead(socket.getInputStream());
                assertThat(head).as(query).startsWith("HTTP/1.1 400 ");
                assertThat(head.toLowerCase(Locale.ROOT)).contains("\r\ncontent-type: application/problem+json");
            }
        }
        assertThat(server.get("/api/events?limit=%35", WorkflowServer.MANAGER_A).status()).isEqualTo(200);
    }

    @Test
    void overLongStringsWithinTheSizeLimit() {
        String longString = "{\"email\":\"a@example.com\",\"message\":\"" + "a".repeat(100_000) + "\"}";
        assertBadRequest(start(longString), Json.TOO_DEEP_OR_LONG);
    }

    @Test
    void documentsPastTheSizeLimitAre413BeforeTheBodyIsSent() throws Exception {
        // Only the head goes out: the answer must come from the declared length alone. (Sending the body
        // with a client library races the server's close after its 413, and the client may then report a
        // reset instead of the answer it was given.)
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("POST " + START + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + WorkflowServer.SYSTEM_A + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + 2 * 1024 * 1024 + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = readHead(socket.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 413 ");
            assertThat(head.toLowerCase(Locale.ROOT)).contains("\r\ncontent-type: application/problem+json");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 16_384 && !head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void chunkedDocumentsPastTheSizeLimitAre413NotABadJson400() throws Exception {
        // No Content-Length: the size filter counts while Jackson reads, and its 413 must win over the
        // servlet's "not valid JSON" answer to the read that failed.
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + START + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + WorkflowServer.SYSTEM_A
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("{\"email\":\"a@example.com\",\"message\":\"" + "a".repeat(64 * 1024 - 40))
                    .getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 40; i++) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    chunk = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                }
                out.flush();
            } catch (IOException e) {
                // The server may stop reading and close once it has answered; the answer is what counts.
                assertThat(e).isInstanceOf(SocketException.class);
            }
            String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void nonJsonContentTypeIs415() {
        byte[] body = "{\"email\":\"a@example.com\",\"message\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/xml",
                "application/json; charset=ISO-8859-1"}) {
            HttpResult result = server.send("POST", START, WorkflowServer.SYSTEM_A, type, body);
            assertThat(result.status()).as(type).isEqualTo(415);
            assertThat(result.contentType()).startsWith("application/problem+json");
        }
        assertThat(server.send("POST", START, WorkflowServer.SYSTEM_A, null, body).status()).isEqualTo(415);
    }

    @Test
    void aContentCodedDocumentIs415NamingTheCodingAccepted() throws IOException {
        byte[] json = "{\"email\":\"coded@example.com\",\"message\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(json);
        }
        for (String coding : new String[] {"gzip", "GZIP", "identity, gzip", "br"}) {
            HttpResult result = server.send(server.request(START, WorkflowServer.SYSTEM_A)
                    .header("Content-Type", "application/json").header("Content-Encoding", coding)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped.toByteArray())));
            assertThat(result.status()).as(coding).isEqualTo(415);
            assertThat(result.contentType()).startsWith("application/problem+json");
            assertThat(result.header("Accept-Encoding")).isEqualTo("identity");
            assertThat(result.text("detail")).isEqualTo(Json.UNSUPPORTED_CODING);
        }
        // No body, nothing coded: a route whose body is optional answers as without the field.
        HttpResult empty = server.send(server.request("/api/events/00000000-0000-0000-0000-000000000000/deposit/paid",
                WorkflowServer.MANAGER_A).header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(empty.status()).isEqualTo(404);
        // "identity" is the absence of a coding.
        HttpResult plain = server.send(server.request(START, WorkflowServer.SYSTEM_A)
                .header("Content-Type", "application/json").header("Content-Encoding", "identity")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)));
        assertThat(plain.status()).isEqualTo(201);
    }

    @Test
    void badQueryParameters() {
        assertBadRequest(server.get("/api/tasks?status=maybe", WorkflowServer.MANAGER_A),
                "Parameter 'status' must be open, approved or rejected.");
        assertBadRequest(server.get("/api/events?limit=-1", WorkflowServer.MANAGER_A),
                "Parameter 'limit' must be a whole number from 1 to 500.");
    }
}
