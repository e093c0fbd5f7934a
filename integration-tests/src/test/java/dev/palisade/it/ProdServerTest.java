package dev.palisade.it;

import static dev.palisade.it.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.filters.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server in prod (ENV unset) with two teams' keys and every dev flag set, which prod must ignore.
 * Limits are generous so the tests of this class never meet the rate limiter.
 */
class ProdServerTest {
    static final String CLIENT_EMAIL = "jane.doe@example.com";

    @TempDir
    static Path dataDir;

    static ServerProcess server;
    static Http http;

    @BeforeAll
    static void startServer() {
        server = ServerProcess.start(dataDir, Map.of(
                "API_KEYS", Keys.API_KEYS,
                "ALLOW_TEST_ENDPOINTS", "1",
                "DEBUG_TRACE_ENABLED", "1",
                "UPLOAD_SIZE_LIMIT_MB", "2",
                "RATE_LIMIT_RPS", "1000",
                "RATE_LIMIT_BURST", "1000",
                "RATE_LIMIT_GENERAL_RPS", "1000",
                "RATE_LIMIT_GENERAL_BURST", "1000",
                // A zone half an hour off a whole hour, for the log's timestamps.
                "TZ", "Asia/Kolkata"));
        http = Http.to(server);
    }

    @AfterAll
    static void stopServer() {
        if (http != null) {
            http.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static JsonNode startConversation(String token, String email, String message) {
        Http.Reply reply = http.postJson("/api/start-conversation", token,
                json(Map.of("email", email, "name", "Jane Doe", "message", message)));
        assertThat(reply.status()).as("start-conversation: %s", reply).isEqualTo(201);
        return reply.json();
    }

    static String json(Object value) {
        try {
            return Http.JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void healthAnswersExactlyStatusOkInProd() {
        Http.Reply reply = http.get("/health");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        assertThat(reply.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void healthCarriesNoVersionBanner() {
        Http.Reply reply = http.get("/health");

        assertThat(reply.header("Server")).isNull();
        assertThat(reply.header("X-Powered-By")).isNull();
    }

    @Test
    void startUpLineNamesProdModeItsReasonAndNoRiskyRoutes() {
        List<String> lines = server.log().lines()
                .filter(line -> line.toLowerCase(Locale.ROOT).contains("risky routes"))
                .collect(Collectors.toList());

        assertThat(lines).as("start-up lines naming the risky routes in:\n%s", server.log()).hasSize(1);
        String line = lines.get(0);
        assertThat(line).contains("prod").contains("ENV").containsIgnoringCase("none");
        assertThat(line).doesNotContain("/api/debug").doesNotContain("/api/qna").doesNotContain("deposit/pay");
    }

    @Test
    void startUpLogsNothingLouderThanInfo() {
        List<String> lines = server.log().lines().collect(Collectors.toList());
        int startUpLine = 0;
        while (startUpLine < lines.size() && !lines.get(startUpLine).toLowerCase(Locale.ROOT).contains("risky routes")) {
            startUpLine++;
        }
        assertThat(startUpLine).as("start-up line in:\n%s", server.log()).isLessThan(lines.size());
        assertThat(lines.subList(0, startUpLine + 1))
                .filteredOn(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                .as("WARN/ERROR at start in:\n%s", server.log())
                .isEmpty();
    }

    /** Requests refused for want of a valid key are counted in the log, as the rate limiter's are. */
    @Test
    void logsTheCountOfRequestsWithoutAValidKey() {
        assertProblem(call("GET", "/api/tasks", null), 401);

        assertThat(awaitLogContaining("requests without a valid API key (401)"))
                .containsPattern("WARN .*ApiKeyAuthFilter.* - Rejected \\d+ requests without a valid API key \\(401\\)");
    }

    /**
     * Each line starts with an RFC 3339 timestamp in the host's zone: {@code +05:30}, which
     * {@code ISO_OFFSET_DATE_TIME} reads (the pattern's single {@code X} printed {@code +0530}).
     */
    @Test
    void logLinesStartWithAnRfc3339Timestamp() {
        String first = server.log().lines().findFirst().orElseThrow();
        String stamp = first.substring(0, first.indexOf(' '));

        assertThat(stamp).endsWith("+05:30");
        assertThat(java.time.OffsetDateTime.parse(stamp).getOffset()).isEqualTo(java.time.ZoneOffset.ofHoursMinutes(5, 30));
    }

    @Test
    void testAndDebugPathsAnswerInProdExactlyAsAnUnknownPath() {
        assertHiddenLikeUnknown(Arrays.asList(Keys.ALPHA_MANAGER, null));
        assertProblem(call("GET", "/api/debug/cache", Keys.ALPHA_MANAGER), 404);
    }

    @Test
    void testAndDebugPathsAnswerInProdAsAnUnknownPathEvenToAKeyWithoutTheirRole() {
        // A system key may call some /api routes; the dev-only routes' role rules must not exist in
        // prod, or a 403 where an unknown path gets 404 tells the caller the route is there.
        assertHiddenLikeUnknown(List.of(Keys.ALPHA_SYSTEM));
    }

    private static void assertHiddenLikeUnknown(List<String> tokens) {
        List<String[]> hidden = List.of(
                new String[] {"POST", "/api/event/deposit/pay"},
                new String[] {"POST", "/api/emails/test"},
                new String[] {"POST", "/api/config/hil-email/test"},
                new String[] {"GET", "/api/qna"},
                new String[] {"POST", "/api/qna"},
                new String[] {"GET", "/api/debug/cache"},
                new String[] {"GET", "/api/debug/events/00000000-0000-0000-0000-000000000000"},
                // Methods no dev-only route has: a 405 (or an OPTIONS answer) where an unknown path
                // gets 404 would show the route is there.
                new String[] {"PUT", "/api/qna"},
                new String[] {"DELETE", "/api/debug/cache"},
                new String[] {"PATCH", "/api/emails/test"},
                new String[] {"OPTIONS", "/api/qna"},
                new String[] {"HEAD", "/api/debug/cache"});
        // Every route is checked before failing, so one run lists every route that gives itself away.
        SoftAssertions softly = new SoftAssertions();
        for (String token : tokens) {
            for (String[] route : hidden) {
                Http.Reply unknown = call(route[0], "/api/no-such-route", token);
                Http.Reply answer = call(route[0], route[1], token);

                String what = route[0] + " " + route[1] + (token == null ? " without a key" : " with " + token);
                softly.assertThat(answer.status()).as(what).isEqualTo(unknown.status());
                softly.assertThat(answer.header("Content-Type")).as(what).isEqualTo(unknown.header("Content-Type"));
                softly.assertThat(headerNames(answer)).as(what).isEqualTo(headerNames(unknown));
                softly.assertThat(withoutRequestId(answer.body())).as(what).isEqualTo(withoutRequestId(unknown.body()));
            }
        }
        softly.assertAll();
    }

    private static Http.Reply call(String method, String path, String token) {
        if ("POST".equals(method)) {
            return http.postJson(path, token, "{}");
        }
        if (!"GET".equals(method)) {
            return http.send(http.request(method, path, token));
        }
        return http.get(path, token);
    }

    private static Set<String> headerNames(Http.Reply reply) {
        return reply.headers().stream()
                .map(field -> field.getName().toLowerCase(Locale.ROOT))
                .filter(name -> !name.equals("date"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String withoutRequestId(String body) {
        return body.replaceAll("\"requestId\":\"[^\"]*\"", "\"requestId\":\"-\"");
    }

    @Test
    void noKeyIsUnauthorizedWithABearerChallenge() {
        Http.Reply reply = http.get("/api/events");

        assertProblem(reply, 401);
        assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void unknownKeyIsUnauthorizedWithABearerChallenge() {
        Http.Reply reply = http.get("/api/events", Keys.UNKNOWN);

        assertProblem(reply, 401);
        assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void keyConfiguredBySha256DigestIsAccepted() {
        assertThat(http.get("/api/events", Keys.BETA_MANAGER).status()).isEqualTo(200);
    }

    @Test
    void wrongRoleIsForbidden() {
        assertProblem(http.get("/api/events", Keys.ALPHA_SYSTEM), 403);
        assertProblem(http.get("/api/tasks", Keys.ALPHA_SYSTEM), 403);
    }

    @Test
    void anotherTeamsEventIsNotFoundAndNotListed() {
        String eventId = startConversation(Keys.ALPHA_SYSTEM, "isolation@example.com",
                "We would like a room for 30 guests on 12 May 2027.").path("eventId").asText();

        assertThat(http.get("/api/events/" + eventId, Keys.ALPHA_MANAGER).status()).isEqualTo(200);
        Http.Reply foreign = http.get("/api/events/" + eventId, Keys.BETA_MANAGER);
        Http.Reply unknown = http.get("/api/events/00000000-0000-4000-8000-000000000000", Keys.BETA_MANAGER);
        assertProblem(foreign, 404);
        assertThat(withoutRequestId(foreign.body())).isEqualTo(withoutRequestId(unknown.body()));
        assertThat(http.get("/api/events", Keys.BETA_MANAGER).body()).doesNotContain(eventId);
        assertThat(http.get("/api/events", Keys.ALPHA_MANAGER).body()).contains(eventId);
        assertProblem(http.postJson("/api/events/" + eventId + "/availability", Keys.BETA_MANAGER, "{}"), 404);
    }

    @Test
    void availabilityAnswersWithATaskWhileStdinIsClosed() {
        String eventId = startConversation(Keys.ALPHA_SYSTEM, "availability@example.com",
                "Hello, we need a room for 40 guests on 14 March 2027 with a projector.").path("eventId").asText();

        Http.Reply reply = http.postJson("/api/events/" + eventId + "/availability", Keys.ALPHA_SYSTEM, "{}");

        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        String taskId = reply.text("taskId");
        assertThat(reply.text("reply")).isNotBlank();
        assertThat(http.get("/api/tasks", Keys.ALPHA_MANAGER).body()).contains(taskId);
        assertThat(server.isAlive()).isTrue();
    }

    @Test
    void malformedJsonIsBadRequestWithoutParserText() {
        for (String body : List.of("{\"email\":", "{\"email\":\"a@example.com\",\"message\":\"hi\"} trailing",
                "{\"email\":5,\"message\":\"hi\"}", "{\"message\":\"no email\"}", "[1,2,3]", "{'email':'x'}",
                "{\"email\":\"a@example.com\",\"message\":\"hi\",\"unexpected\":true}")) {
            assertProblem(http.postJson("/api/start-conversation", Keys.ALPHA_SYSTEM, body), 400);
        }
    }

    @Test
    void deeplyNestedJsonWithinTheSizeLimitIsBadRequest() {
        String nested = "[".repeat(5000) + "]".repeat(5000);
        String body = "{\"email\":\"nested@example.com\",\"message\":\"hi\",\"name\":" + nested + "}";

        assertProblem(http.postJson("/api/start-conversation", Keys.ALPHA_SYSTEM, body), 400);
        assertProblem(http.postJson("/api/start-conversation", Keys.ALPHA_SYSTEM, nested), 400);
    }

    @Test
    void overLongStringWithinTheSizeLimitIsBadRequest() {
        String body = json(Map.of("email", "long@example.com", "message", "x".repeat(200_000)));

        assertProblem(http.postJson("/api/start-conversation", Keys.ALPHA_SYSTEM, body), 400);
    }

    @Test
    void hugeJsonPastTheSizeLimitIsTooLarge() throws Exception {
        String body = json(Map.of("email", "huge@example.com", "message", "x".repeat(2 * 1024 * 1024)));

        assertProblem(Chunked.sendWithLength(server.port(), "/api/start-conversation", Keys.ALPHA_SYSTEM,
                "application/json", body.getBytes(StandardCharsets.UTF_8)), 413);
        assertThat(server.isAlive()).isTrue();
    }

    @Test
    void chunkedJsonPastTheSizeLimitIsTooLarge() throws Exception {
        RawHttp.Response reply = Chunked.send(server.port(), "/api/start-conversation", Keys.ALPHA_SYSTEM,
                "application/json", "{\"email\":\"c@example.com\",\"message\":\"".getBytes(StandardCharsets.US_ASCII),
                'x', 2 * 1024 * 1024);

        assertProblem(reply, 413);
    }

    @Test
    void chunkedFormPastTheSizeLimitIsRefusedWithoutBeingBuffered() throws Exception {
        RawHttp.Response reply = Chunked.send(server.port(), "/api/start-conversation", Keys.ALPHA_SYSTEM,
                "application/x-www-form-urlencoded", "message=".getBytes(StandardCharsets.US_ASCII), 'x',
                2 * 1024 * 1024);

        // A JSON route may refuse the form by its type before reading it (415); if it reads, the limit holds (413).
        assertThat(reply.status()).as(reply.body()).isIn(413, 415);
        assertProblem(reply, reply.status());
        assertThat(http.get("/health").status()).isEqualTo(200);
    }

    @Test
    void chunkedMultipartPastTheUploadLimitIsTooLarge() throws Exception {
        String boundary = "palisade-it-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

        RawHttp.Response reply = Chunked.send(server.port(), "/api/uploads", Keys.ALPHA_SYSTEM,
                "multipart/form-data; boundary=" + boundary, head, 'x', 4 * 1024 * 1024);

        assertProblem(reply, 413);
    }

    @Test
    void invalidContentLengthIsBadRequest() throws Exception {
        for (String lengthHeaders : List.of("Content-Length: abc\r\n", "Content-Length: -5\r\n",
                "Content-Length: 2\r\nContent-Length: 3\r\n")) {
            RawHttp.Response reply = RawHttp.exchange(server.port(), "POST /api/start-conversation HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + Keys.ALPHA_SYSTEM + "\r\n"
                    + "Content-Type: application/json\r\n" + lengthHeaders + "Connection: close\r\n\r\n{}");

            assertThat(reply.status()).as(lengthHeaders).isEqualTo(400);
            assertProblem(reply, 400);
        }
    }

    @Test
    void malformedRequestLinesAndHeadersGetAProblemBody() throws Exception {
        for (String request : List.of("GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
                "GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
                "GET /health HTTP/1.1\r\nX-No-Host: y\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: bad host[\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Bare: a\rb\r\n\r\n",
                "GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Long: " + "a".repeat(64 * 1024) + "\r\n\r\n")) {
            RawHttp.Response reply = RawHttp.exchange(server.port(), request);

            assertThat(reply.status()).as(request.lines().findFirst().orElse("")).isBetween(400, 505);
            assertThat(reply.header("Content-Type")).as(reply.body()).startsWith("application/problem+json");
            Problems.assertNoLeak(reply.body());
            assertThat(reply.header("Server")).isNull();
        }
    }

    @Test
    void pdfUploadIsStored() {
        byte[] pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

        Http.Reply reply = http.upload("/api/uploads", Keys.ALPHA_SYSTEM, "brochure.pdf", "application/pdf", pdf);

        assertThat(reply.status()).as("%s", reply).isEqualTo(201);
        assertThat(reply.text("mediaType")).isEqualTo("application/pdf");
        assertThat(reply.json().path("size").asLong()).isEqualTo(pdf.length);
        assertThat(reply.text("sha256")).isEqualTo(Keys.sha256Bytes(pdf));
    }

    @Test
    void executableUploadIsUnsupportedMediaType() {
        byte[] exe = new byte[512];
        exe[0] = 'M';
        exe[1] = 'Z';
        exe[2] = (byte) 0x90;

        assertProblem(http.upload("/api/uploads", Keys.ALPHA_SYSTEM, "setup.pdf", "application/pdf", exe), 415);
        assertProblem(http.upload("/api/uploads", Keys.ALPHA_SYSTEM, "setup.exe", "application/octet-stream", exe), 415);
    }

    @Test
    void uploadOverTheUploadLimitIsTooLarge() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024];
        Arrays.fill(big, (byte) 'a');
        String boundary = "palisade-it-boundary";

        assertProblem(Chunked.sendWithLength(server.port(), "/api/uploads", Keys.ALPHA_SYSTEM,
                "multipart/form-data; boundary=" + boundary, Chunked.multipart(boundary, "big.txt", "text/plain", big)),
                413);
    }

    @Test
    void uploadBetweenTheRequestLimitAndTheUploadLimitIsAccepted() {
        // 1.5 MiB: past the 1 MiB request limit, within UPLOAD_SIZE_LIMIT_MB=2.
        byte[] text = new byte[1536 * 1024];
        Arrays.fill(text, (byte) 'a');

        Http.Reply reply = http.upload("/api/uploads", Keys.ALPHA_SYSTEM, "notes.txt", "text/plain", text);

        assertThat(reply.status()).as("%s", reply).isEqualTo(201);
    }

    @Test
    void logMasksClientEmailsAndHoldsNoMessageBodiesOrKeys() {
        String marker = "Quokka" + System.nanoTime();
        startConversation(Keys.ALPHA_SYSTEM, CLIENT_EMAIL, "Secret plans " + marker + " for 25 guests on 3 June 2027.");
        http.get("/api/lookup/" + CLIENT_EMAIL, Keys.ALPHA_MANAGER);
        http.get("/api/events?contact=" + CLIENT_EMAIL, Keys.ALPHA_MANAGER);
        http.get("/api/events", Keys.UNKNOWN);
        http.send(http.request("GET", "/api/events", null)
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + Keys.ALPHA_MANAGER + "x")));

        String log = awaitLogContaining("j***@example.com");
        assertThat(log).doesNotContain(CLIENT_EMAIL).doesNotContain("jane.doe");
        assertThat(log).doesNotContain(marker).doesNotContain("Secret plans");
        for (String secret : List.of(Keys.ALPHA_MANAGER, Keys.ALPHA_SYSTEM, Keys.BETA_MANAGER, Keys.UNKNOWN,
                Keys.sha256(Keys.BETA_MANAGER))) {
            assertThat(log).as("key in log").doesNotContain(secret);
        }
    }

    @Test
    void encodedCrLfInPathOrHeaderCannotStartALogLine() throws Exception {
        String forged = "FORGED" + System.nanoTime();
        RawHttp.exchange(server.port(), "GET /api/x%0d%0a" + forged + "%0A" + forged + "%0D" + forged + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nX-Request-Id: a%0d%0a" + forged + "\r\nAuthorization: Bearer "
                + Keys.ALPHA_MANAGER + "\r\nConnection: close\r\n\r\n");
        RawHttp.exchange(server.port(), "GET /health?q=%0d%0a" + forged + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-Request-Id: b\\r\\n" + forged + "\r\nConnection: close\r\n\r\n");
        http.get("/api/events?email=x%0d%0a" + forged + "%0a" + forged, Keys.ALPHA_MANAGER);
        http.get("/api/y%E2%80%A8" + forged, Keys.ALPHA_MANAGER);

        String log = awaitLogContaining(forged);
        String prefix = firstLinePrefix(log);
        List<String> linesWithMarker = log.lines().filter(line -> line.contains(forged)).collect(Collectors.toList());
        assertThat(linesWithMarker).isNotEmpty().allSatisfy(line -> {
            assertThat(line).doesNotStartWith(forged).doesNotStartWith("%").doesNotStartWith(" ");
            assertThat(line.substring(0, prefix.length())).as("line prefix of %s", line).matches(prefixPattern(prefix));
        });
    }

    private static String firstLinePrefix(String log) {
        return log.lines().filter(line -> !line.isBlank()).findFirst().orElseThrow().substring(0, 10);
    }

    /** The first line's first ten characters with digits generalised (a timestamp). */
    private static String prefixPattern(String prefix) {
        StringBuilder pattern = new StringBuilder();
        for (char c : prefix.toCharArray()) {
            pattern.append(Character.isDigit(c) ? "\\d" : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return pattern.toString();
    }

    private static String awaitLogContaining(String text) {
        org.awaitility.Awaitility.await("log contains " + text).atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> server.log().contains(text));
        return server.log();
    }
}
