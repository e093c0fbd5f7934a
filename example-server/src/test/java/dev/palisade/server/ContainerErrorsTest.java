package dev.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors Jetty answers itself, outside the filter chain, sent byte for byte over a raw socket. */
class ContainerErrorsTest {
    @TempDir
    static Path dataDir;
    private static ExampleServer server;

    @BeforeAll
    static void startServer() {
        Map<String, String> env = Map.of("PORT", "0", "DATA_DIR", dataDir.toString());
        server = ExampleServer.start(ServerConfig.fromEnvironment(env::get), Clock.systemUTC());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static String send(String request) throws Exception {
        return Raw.exchange(server.port(), request);
    }

    private static void assertProblem(String response, int status) {
        assertThat(Raw.status(response)).isEqualTo(status);
        String headers = Raw.headers(response);
        assertThat(headers).contains("content-type: application/problem+json");
        assertThat(headers).contains("cache-control: no-store");
        assertThat(headers).contains("x-request-id: ");
        assertThat(headers).doesNotContain("server:", "x-powered-by");
        assertSecurityFields(headers);
        String body = Raw.body(response);
        assertThat(body).startsWith("{\"type\":\"about:blank\",\"title\":")
                .contains("\"status\":" + status)
                .doesNotContain("<", "jetty", "Exception", "at org.");
        String id = headers.replaceAll("(?s).*x-request-id: ([^\\r\\n]*).*", "$1");
        assertThat(body).contains("\"requestId\":\"" + id + "\"");
        // The title is the status code's reason phrase (RFC 9457), never a generic one.
        assertThat(body).contains("\"title\":\"" + dev.palisade.filters.Problems.title(status) + "\"")
                .doesNotContain("\"title\":\"Client Error\"", "\"title\":\"Server Error\"");
    }

    /** The fields the chain's SecurityHeadersFilter sends, also on the answers the container writes itself. */
    private static void assertSecurityFields(String headers) {
        assertThat(headers).contains("x-content-type-options: nosniff", "referrer-policy: no-referrer",
                "x-frame-options: deny", "content-security-policy: frame-ancestors 'none'");
    }

    /** Ids the error handler issues look like the filters' own: 32 hex digits. */
    private static void assertFreshRequestId(String response) {
        assertThat(Raw.headers(response)).containsPattern("x-request-id: [0-9a-f]{32}\r\n");
    }

    @Test
    void answersAnHttp09RequestLineWith505Problem() throws Exception {
        String response = send("GET /health\r\n\r\n");
        assertProblem(response, 505);
        assertFreshRequestId(response);
    }

    @Test
    void answersAnHttp2PrefaceOnThePlainPortWith426Problem() throws Exception {
        assertProblem(send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 426);
    }

    @Test
    void answersAGarbageRequestLineWithAProblem() throws Exception {
        assertProblem(send("THIS IS NOT HTTP\r\n\r\n"), 400);
    }

    @Test
    void answersAMalformedHeaderWithAProblem() throws Exception {
        assertProblem(send("GET /health HTTP/1.1\r\nHost: localhost\r\nBad Header Without Colon\r\n"
                + "Connection: close\r\n\r\n"), 400);
    }

    @Test
    void answersMissingHostWithAProblem() throws Exception {
        assertProblem(send("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n"), 400);
    }

    @Test
    void answersAnUnparseableHostWithAProblem() throws Exception {
        assertProblem(send("GET /health HTTP/1.1\r\nHost: [::1:bad\r\nConnection: close\r\n\r\n"), 400);
    }

    @Test
    void answersHeadersPastEightKibWith431Problem() throws Exception {
        String big = "x".repeat(9 * 1024);
        assertProblem(send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + big
                + "\r\nConnection: close\r\n\r\n"), 431);
    }

    @Test
    void answersAnAmbiguousPathWithAProblem() throws Exception {
        assertProblem(send("GET /api/%2e%2e/%2fhealth HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
    }

    @Test
    void keepsAValidIncomingRequestId() throws Exception {
        String response = send("GET /api/%2e%2e/%2fhealth HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: abc-123\r\n"
                + "Connection: close\r\n\r\n");
        assertProblem(response, 400);
        assertThat(Raw.body(response)).contains("\"requestId\":\"abc-123\"");
    }

    @Test
    void neverEchoesRequestHeadersToTrace() throws Exception {
        String response = send("TRACE /health HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer secret-token-123456\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(Raw.status(response)).isEqualTo(405);
        assertThat(response).doesNotContain("secret-token-123456");
        assertThat(Raw.headers(response)).contains("content-type: application/problem+json");
        assertSecurityFields(Raw.headers(response));
    }

    @Test
    void answersHealthWithoutBannersOverARawSocket() throws Exception {
        String response = send("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(Raw.status(response)).isEqualTo(200);
        assertThat(Raw.headers(response)).doesNotContain("server:", "x-powered-by");
        assertThat(Raw.body(response)).isEqualTo("{\"status\":\"ok\"}");
    }
}
