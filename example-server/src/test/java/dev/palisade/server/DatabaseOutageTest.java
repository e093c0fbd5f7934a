package dev.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.palisade.workflow.testing.PostgresTestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL going away under a running server (a relay in front of it is cut): the first request waits at most
 * the pool's connection timeout, the ones after it are answered 503 at once while the database is known down,
 * {@code /health} stays fast under a burst of API requests, the 503s are logged as counts, and requests succeed
 * again once the database is back and the rest is over.
 */
class DatabaseOutageTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String KEY = "k3y-for-outage-0123456789";
    private static final int BURST = 400;
    /** The pool's connection timeout (3 s) plus scheduling slack on a busy machine. */
    private static final Duration FIRST_FAILURE_BOUND = Duration.ofMillis(5_000);
    private static final Duration AT_ONCE = Duration.ofMillis(500);
    /**
     * A liveness probe's usual timeout is 1 s; twice that leaves room for a shared two-core test machine busy
     * with the burst (on main, /health took the pool's full 10 s behind the burst).
     */
    private static final Duration HEALTH_BOUND = Duration.ofMillis(2_000);

    @TempDir
    Path dataDir;

    @Test
    void failsFastWhileTheDatabaseIsDownAndRecovers() throws Exception {
        Logger apiLog = (Logger) LoggerFactory.getLogger("dev.palisade.workflow.web.ApiServlet");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        apiLog.addAppender(lines);
        Logger outageLog = (Logger) LoggerFactory.getLogger("dev.palisade.workflow.store.jdbc.OutageRest");
        outageLog.addAppender(lines);
        try (PostgresTestDatabase.Schema schema = PostgresTestDatabase.newSchemaWithOwnRole();
                CuttableRelay relay = relayTo(schema.jdbcUrl());
                ExampleServer server = start(throughRelay(schema.jdbcUrl(), relay.port()))) {
            int port = server.port();
            assertThat(get(port, "/api/tasks").statusCode()).isEqualTo(200);

            relay.cut();
            // The call that finds the outage waits at most the pool's timeout; one before it may instead fail at
            // once on a pooled connection the cut broke mid-query. Every other call is answered at once.
            List<Duration> took = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Timed call = timed(port, "/api/tasks");
                assertThat(call.response.statusCode()).as("call %s after the cut", i + 1).isEqualTo(503);
                assertThat(call.response.headers().firstValue("Retry-After")).isPresent();
                assertThat(call.took).as("call %s after the cut", i + 1).isLessThan(FIRST_FAILURE_BOUND);
                took.add(call.took);
            }
            assertThat(took.stream().filter(t -> t.compareTo(AT_ONCE) >= 0).count())
                    .as("calls after the cut that waited on the pool: %s", took).isLessThanOrEqualTo(1);

            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                burst.add(CLIENT.sendAsync(request(port, "/api/tasks"), HttpResponse.BodyHandlers.ofString()));
            }
            // On its own connection, not queued behind the burst in the test's HTTP client.
            long healthStart = System.nanoTime();
            String health = Raw.exchange(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            Duration healthTook = Duration.ofNanos(System.nanoTime() - healthStart);
            assertThat(Raw.status(health)).isEqualTo(200);
            assertThat(healthTook).as("/health during a burst of %s API calls", BURST).isLessThan(HEALTH_BOUND);
            int answered503 = 0;
            for (CompletableFuture<HttpResponse<String>> call : burst) {
                HttpResponse<String> response = call.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(response.statusCode()).as("burst answer %s", response.body()).isIn(503);
                answered503++;
            }
            assertThat(answered503).isEqualTo(BURST);
            long warns = lines.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
            // One for the outage, one counting the 503s (the first is logged at once, the rest counted).
            assertThat(warns).as("WARN lines for %s 503s: %s", BURST + 5, lines.list).isLessThanOrEqualTo(3);

            relay.restore();
            await("requests succeed once the database is back").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> get(port, "/api/tasks").statusCode() == 200);
            assertThat(lines.list).as("the outage and the return, each logged once")
                    .filteredOn(e -> e.getLoggerName().endsWith("OutageRest")).extracting(ILoggingEvent::getLevel)
                    .containsExactly(Level.WARN, Level.INFO);
        } finally {
            apiLog.detachAppender(lines);
            outageLog.detachAppender(lines);
        }
    }

    private static CuttableRelay relayTo(String jdbcUrl) throws Exception {
        Matcher hostPort = Pattern.compile("//([^:/?]+):(\\d+)/").matcher(jdbcUrl);
        assertThat(hostPort.find()).as("host:port in %s", jdbcUrl).isTrue();
        return new CuttableRelay(hostPort.group(1), Integer.parseInt(hostPort.group(2)));
    }

    private static String throughRelay(String jdbcUrl, int relayPort) {
        return jdbcUrl.replaceFirst("//([^:/?]+):(\\d+)/", "//127.0.0.1:" + relayPort + "/");
    }

    private ExampleServer start(String databaseUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("DATA_DIR", dataDir.toString());
        env.put("API_KEYS", KEY + "@acme:manager+system");
        env.put("STORE", "postgres");
        env.put("DATABASE_URL", databaseUrl);
        // One test client sends the whole burst: the per-client limit is not under test here.
        env.put("RATE_LIMIT_GENERAL_RPS", "100000");
        env.put("RATE_LIMIT_GENERAL_BURST", "100000");
        return ExampleServer.start(ServerConfig.fromEnvironment(env::get), Clock.systemUTC());
    }

    private static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30)).build();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return CLIENT.send(request(port, path), HttpResponse.BodyHandlers.ofString());
    }

    private static Timed timed(int port, String path) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = get(port, path);
        return new Timed(response, Duration.ofNanos(System.nanoTime() - start));
    }

    private record Timed(HttpResponse<String> response, Duration took) {
    }
}
