package dev.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.palisade.filters.InvalidSettingException;
import dev.palisade.workflow.testing.PostgresTestDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleServerTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String KEY = "k3y-for-tests-0123456789";

    @TempDir
    Path dataDir;

    private ExampleServer start(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("DATA_DIR", dataDir.toString());
        env.put("API_KEYS", KEY + "@acme:manager+system");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return ExampleServer.start(ServerConfig.fromEnvironment(env::get), Clock.systemUTC());
    }

    private static HttpResponse<String> get(int port, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersHealthExactlyInProdWithoutBanners() throws Exception {
        try (ExampleServer server = start()) {
            HttpResponse<String> health = get(server.port(), "/health");

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(health.headers().firstValue("Server")).isEmpty();
            assertThat(health.headers().firstValue("X-Powered-By")).isEmpty();
        }
    }

    @Test
    void neverRateLimitsHealthButLimitsTheApi() throws Exception {
        try (ExampleServer server = start("RATE_LIMIT_GENERAL_BURST", "2", "RATE_LIMIT_GENERAL_RPS", "0.01")) {
            for (int i = 0; i < 5; i++) {
                assertThat(get(server.port(), "/health").statusCode()).isEqualTo(200);
            }
            String auth = "Bearer " + KEY;
            assertThat(get(server.port(), "/api/events", "Authorization", auth).statusCode()).isEqualTo(200);
            assertThat(get(server.port(), "/api/events", "Authorization", auth).statusCode()).isEqualTo(200);
            assertThat(get(server.port(), "/api/events", "Authorization", auth).statusCode()).isEqualTo(429);
        }
    }

    @Test
    void appliesTheStrictLimitToHighRiskRoutesOnly() throws Exception {
        try (ExampleServer server = start("RATE_LIMIT_BURST", "1", "RATE_LIMIT_RPS", "0.01")) {
            String auth = "Bearer " + KEY;
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/api/send-message")).header("Authorization", auth).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

            assertThat(CLIENT.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
            HttpResponse<String> limited = CLIENT.send(post, HttpResponse.BodyHandlers.ofString());
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            // The general limit (50/s, burst 100) still lets the cheap routes through.
            assertThat(get(server.port(), "/api/events", "Authorization", auth).statusCode()).isEqualTo(200);
        }
    }

    /**
     * A request to a high-risk route that the general limit refuses has spent nothing of the strict
     * budget: the general limiter decides first. With the strict one first, every such refusal took a
     * strict token, and a client that waited the general limit's Retry-After (1 s) was then refused by
     * the strict one for its whole refill.
     */
    @Test
    void aRequestRefusedByTheGeneralLimitSpendsNothingOfTheStrictBudget() throws Exception {
        try (ExampleServer server = start("RATE_LIMIT_BURST", "3", "RATE_LIMIT_RPS", "0.001",
                "RATE_LIMIT_GENERAL_BURST", "1", "RATE_LIMIT_GENERAL_RPS", "2")) {
            // No key: a request past both limits is answered 401, which is all this test needs.
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/api/send-message")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            java.util.List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(answer(CLIENT.send(post, HttpResponse.BodyHandlers.ofString())));
            }
            // One request per general refill (0.5 s) until the strict limit refuses (Retry-After about 1000 s).
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(600)).until(() -> {
                String answer = answer(CLIENT.send(post, HttpResponse.BodyHandlers.ofString()));
                answers.add(answer);
                return answer.equals("429 strict");
            });

            assertThat(answers).as("the strict burst of 3, whatever the general limit refused before")
                    .filteredOn(answer -> answer.equals("401")).hasSize(3);
            assertThat(answers).filteredOn(answer -> answer.startsWith("429")).allMatch(
                    answer -> answer.equals("429 general") || answer.equals("429 strict"));
        }
    }

    /** The status, and for a 429 which limit's it is by its Retry-After: 1 s (general) or over 900 s (strict). */
    private static String answer(HttpResponse<String> response) {
        if (response.statusCode() != 429) {
            return Integer.toString(response.statusCode());
        }
        long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElse("-1"));
        return retryAfter == 1 ? "429 general" : retryAfter > 900 ? "429 strict" : "429 retry-after=" + retryAfter;
    }

    @Test
    void requiresAKeyForTheApi() throws Exception {
        try (ExampleServer server = start()) {
            HttpResponse<String> anonymous = get(server.port(), "/api/events");

            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer"));
            assertThat(anonymous.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/problem+json"));
        }
    }

    @Test
    void hidesTestAndDebugRoutesInProdExactlyAsUnknownOnes() throws Exception {
        try (ExampleServer server = start("ALLOW_TEST_ENDPOINTS", "1", "DEBUG_TRACE_ENABLED", "1")) {
            String auth = "Bearer " + KEY;
            HttpResponse<String> qna = get(server.port(), "/api/qna", "Authorization", auth);
            HttpResponse<String> debug = get(server.port(), "/api/debug/traces", "Authorization", auth);
            HttpResponse<String> unknown = get(server.port(), "/api/no-such-route", "Authorization", auth);

            assertThat(qna.statusCode()).isEqualTo(404);
            assertThat(debug.statusCode()).isEqualTo(404);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(withoutRequestId(qna.body())).isEqualTo(withoutRequestId(unknown.body()));
            assertThat(server.startupLine()).contains("mode prod", "risky routes mounted: none");
        }
    }

    @Test
    void mountsTestRoutesInDevAndDebugOnlyWhenAsked() throws Exception {
        try (ExampleServer server = start("ENV", "dev")) {
            String auth = "Bearer " + KEY;
            assertThat(get(server.port(), "/api/qna", "Authorization", auth).statusCode()).isNotEqualTo(404);
            assertThat(get(server.port(), "/api/debug/traces", "Authorization", auth).statusCode()).isEqualTo(404);
            assertThat(server.startupLine()).contains("mode dev", "/api/qna").doesNotContain("/api/debug");
        }
    }

    @Test
    void logsOneStartupLineWithModeStoreLimitsAndBackend() {
        try (ExampleServer server = start("RATE_LIMIT_RPS", "3", "RATE_LIMIT_GENERAL_BURST", "77")) {
            assertThat(server.startupLine())
                    .contains("mode prod (ENV")
                    .contains("risky routes mounted: none")
                    .contains("store sqlite:" + dataDir.resolve("palisade.db"))
                    .contains("rate limits (memory)")
                    .contains("high-risk 3.0/s")
                    .contains("burst 77")
                    .contains("request size limit 1048576 bytes")
                    .contains("metrics off")
                    .doesNotContain("\n");
        }
    }

    @Test
    void runsOnPostgresAndNamesTheDatabaseWithoutCredentials() throws Exception {
        try (PostgresTestDatabase.Schema schema = PostgresTestDatabase.newSchemaWithOwnRole();
                ExampleServer server = start("STORE", "postgres", "DATABASE_URL", schema.jdbcUrl())) {
            assertThat(server.startupLine()).contains("; store postgres://").doesNotContain("user=")
                    .doesNotContain("currentSchema");

            HttpRequest start = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/api/start-conversation")).header("Authorization", "Bearer " + KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"email\":\"pg@example.com\",\"message\":\"Room for 30 on 3 June 2027\"}")).build();
            assertThat(CLIENT.send(start, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);

            try (Connection connection = PostgresTestDatabase.admin();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + schema.name() + ".events")) {
                // The admin (a superuser) reads past row-level security: the event is in this schema.
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void refusesAnUnreachableDatabaseNamingTheVariableButNotThePassword() {
        assertThatThrownBy(() -> start("STORE", "postgres",
                "DATABASE_URL", "postgresql://palisade:s3cr3t-pw@127.0.0.1:1/palisade"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("DATABASE_URL")
                .hasMessageContaining("postgres://127.0.0.1:1/palisade")
                .message().doesNotContain("s3cr3t-pw");
    }

    /** A wrong user or password, or a database Redis does not have, is Redis refusing, not Redis unreachable (a review: both said "cannot be reached"). */
    @Test
    void namesRedissRefusalOfTheLoginOrDatabase() {
        requireRedis();
        assertThatThrownBy(() -> start("RATE_LIMIT_BACKEND", "redis", "REDIS_URL", "redis://no-such-user:wr0ng-pw@127.0.0.1:6379"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("REDIS_URL: Redis refused the connection's login or database (")
                .message().doesNotContain("wr0ng-pw");
        assertThatThrownBy(() -> start("RATE_LIMIT_BACKEND", "redis", "REDIS_URL", "redis://127.0.0.1:6379/99"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("refused the connection's login or database (ERR DB index is out of range");
        assertThatThrownBy(() -> start("RATE_LIMIT_BACKEND", "redis", "REDIS_URL", "redis://127.0.0.1:1"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("REDIS_URL: Redis cannot be reached (RedisConnectionException)");
    }

    /** The local Redis the CI machine runs; skipped without it unless {@code REQUIRE_SERVICES=1}. */
    private static void requireRedis() {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new java.net.InetSocketAddress("127.0.0.1", 6379), 2_000);
        } catch (java.io.IOException e) {
            String missing = "Redis at 127.0.0.1:6379 is unreachable (" + e.getClass().getSimpleName() + ")";
            if ("1".equals(System.getenv("REQUIRE_SERVICES"))) {
                org.junit.jupiter.api.Assertions.fail(missing + " and REQUIRE_SERVICES=1");
            }
            org.junit.jupiter.api.Assumptions.abort(missing + "; skipped (set REQUIRE_SERVICES=1 to make this a failure)");
        }
    }

    /** An address this host does not have is not "in use" (a review: it said so), and the JDK's reason is given. */
    @Test
    void namesTheReasonABindAddressCannotBeUsed() {
        assertThatThrownBy(() -> start("BIND", "192.0.2.77"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Cannot listen on 192.0.2.77:0 (PORT, BIND): BindException: ")
                .hasMessageContaining("assign");
    }

    @Test
    void refusesATakenPortNamingItWithoutClosingTheHolder() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = holder.getLocalPort();
            assertThatThrownBy(() -> start("PORT", Integer.toString(port)))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessage("PORT " + port + " on 127.0.0.1 is already in use");
            assertThat(holder.isClosed()).isFalse();
            // The data directory lock was released: the next start succeeds.
            try (ExampleServer server = start()) {
                assertThat(server.port()).isPositive();
            }
        }
    }

    /** The SQLite store's uploads directory is checked by writing, as PostgreSQL's was (a review: it started "half"). */
    @Test
    void refusesAnUploadsDirectoryItCannotWriteIn() throws Exception {
        Path readOnly = Path.of("/sys/kernel");
        try {
            Files.delete(Files.createTempFile(readOnly, "probe", ".tmp"));
            org.junit.jupiter.api.Assumptions.abort(readOnly + " is writable here: no read-only directory to point uploads at");
        } catch (java.io.IOException expected) {
            // The read-only mount this test needs.
            assertThat(Files.isDirectory(readOnly)).isTrue();
        }
        Files.createSymbolicLink(dataDir.resolve("uploads"), readOnly);

        assertThatThrownBy(() -> start())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("DATA_DIR " + dataDir + ": the uploads directory ")
                .hasMessageContaining("is not writable by this process");
    }

    @Test
    void refusesADataDirectoryThatIsAFile() throws Exception {
        Path file = Files.writeString(dataDir.resolve("not-a-dir"), "x");
        Map<String, String> env = Map.of("PORT", "0", "DATA_DIR", file.toString());

        assertThatThrownBy(() -> ExampleServer.start(ServerConfig.fromEnvironment(env::get), Clock.systemUTC()))
                .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("DATA_DIR");
    }

    @Test
    void servesMetricsOnTheAdminPortOnly() throws Exception {
        try (ExampleServer server = start("ADMIN_PORT", "0", "LLM_URL", "http://127.0.0.1:9/v1")) {
            int admin = server.adminPort().orElseThrow();
            get(server.port(), "/api/events");  // a 401
            get(server.port(), "/health");

            HttpResponse<String> metrics = get(admin, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("http_server_responses_total{status=\"2xx\"}")
                    .contains("palisade_rejections_total{by=\"auth\",status=\"401\"} 1.0")
                    .contains("palisade_rejections_total{by=\"rate_high_risk\",status=\"429\"}")
                    .contains("palisade_rejections_total{by=\"size\",status=\"413\"}")
                    .contains("palisade_sessions_evictions_total")
                    .contains("palisade_llm_cache_size")
                    .contains("palisade_outbox_depth")
                    .contains("palisade_rate_limit_store_failures_total{by=\"rate_general\"} 0.0")
                    .contains("jetty_threads_busy").contains("jetty_threads_jobs")
                    .contains("jetty_connections_current_connections")
                    .contains("jvm_memory_used_bytes").contains("jvm_gc_live_data_size_bytes")
                    .contains("process_files_open_files").contains("process_cpu_usage");
            assertThat(get(server.port(), "/metrics").statusCode()).isIn(401, 404);
            assertThat(get(admin, "/health").statusCode()).isEqualTo(404);
            assertThat(get(admin, "/api/events").statusCode()).isEqualTo(404);
            assertThat(server.startupLine()).contains("metrics http://127.0.0.1:" + admin + "/metrics");
        }
    }

    @Test
    void dropsAClientThatNeverFinishesItsHeaders() throws Exception {
        Map<String, String> env = Map.of("PORT", "0", "DATA_DIR", dataDir.toString());
        try (ExampleServer server = ExampleServer.start(ServerConfig.fromEnvironment(env::get), Clock.systemUTC(),
                Duration.ofMillis(500));
                Raw slow = new Raw(server.port())) {
            slow.send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
            long started = System.nanoTime();

            String answer = slow.readAll();  // returns once the server closes the connection (socket timeout 15 s)

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(answer).doesNotContain("200 OK");
        }
    }

    @Test
    void countsQueuedEmailsInTheOutboxDepthMetric() throws Exception {
        try (ExampleServer server = start("ENV", "dev", "ADMIN_PORT", "0")) {
            int admin = server.adminPort().orElseThrow();
            assertThat(get(admin, "/metrics").body()).contains("palisade_outbox_depth 0.0");
            HttpRequest queue = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/api/emails/test")).header("Authorization", "Bearer " + KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"ops@example.com\"}")).build();

            assertThat(CLIENT.send(queue, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
            assertThat(get(admin, "/metrics").body()).contains("palisade_outbox_depth 1.0");
        }
    }

    @Test
    void letsARequestInFlightFinishWhenStopped() throws Exception {
        ExampleServer server = start();
        String json = "{\"email\":\"guest@example.com\",\"message\":\"We would like a room for 20 people on 2030-05-03\"}";
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int half = body.length / 2;
        try (Raw raw = new Raw(server.port())) {
            raw.send("POST /api/start-conversation HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n" + json.substring(0, half));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.activeRequests() == 1);

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
            await().atMost(Duration.ofSeconds(10)).until(server::stopping);
            raw.send(json.substring(half));
            String response = raw.readAll();

            assertThat(Raw.status(response)).isEqualTo(201);
            stopping.get(20, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }

    /**
     * A request still in flight when the stop's time is up is cut, and the stop says so in one WARN
     * line (a review: an ERROR with a TimeoutException's stack trace, "Stopping a part of the server failed").
     */
    @Test
    void saysInOneLineThatItCutARequestStillInFlightAfterTheStopTimeout() throws Exception {
        ch.qos.logback.classic.Logger serverLog =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ExampleServer.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        serverLog.addAppender(lines);
        ExampleServer server = start();
        try (Raw raw = new Raw(server.port())) {
            // A body at 1 KB/s, above the minimum rate, that would take 60 s: longer than the stop's 10 s.
            int length = 60_000;
            raw.send("POST /api/start-conversation HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + length
                    + "\r\nConnection: close\r\n\r\n{\"email\":\"");
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger(10);
            CompletableFuture<Void> client = Pace.every(Duration.ofMillis(100), () -> {
                raw.send("x".repeat(100));
                return sent.addAndGet(100) < length - 200;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> server.activeRequests() == 1);

            long started = System.nanoTime();
            server.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).isBetween(ExampleServer.STOP_TIMEOUT, ExampleServer.STOP_TIMEOUT.plusSeconds(5));
            java.util.List<String> stop = lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage())
                    .dropWhile(line -> !line.contains("Stopping")).toList();
            assertThat(stop).hasSize(3);
            assertThat(stop.get(0)).isEqualTo("INFO Stopping: no new connections; 1 request(s) in flight get up to 10 s");
            assertThat(stop.get(1)).isEqualTo(
                    "WARN Stopped after 10 s; the requests still in flight then were cut (1 in flight when the stop began)");
            assertThat(stop.get(2)).startsWith("INFO Stopped in ");
            assertThat(lines.list).allMatch(e -> e.getThrowableProxy() == null);
            assertThat(client).as("the client's connection was cut").failsWithin(Duration.ofSeconds(5));
        } finally {
            serverLog.detachAppender(lines);
            server.close();
        }
    }

    private static String withoutRequestId(String body) {
        return body.replaceAll("\"requestId\":\"[^\"]*\"", "");
    }
}
