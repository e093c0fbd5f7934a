package dev.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow clients against the real server, over raw sockets: a client library would not trickle. */
class SlowClientsTest {
    private static final String KEY = "k3y-for-tests-0123456789";
    private static final String BOUNDARY = "XBOUNDARYX";
    private static final String PART_HEAD = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\";"
            + " filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n";
    private static final String PART_TAIL = "\r\n--" + BOUNDARY + "--\r\n";

    @TempDir
    Path dataDir;

    private ExampleServer start() {
        return start(ExampleServer.ConnectionLimits.DEFAULTS);
    }

    private ExampleServer start(ExampleServer.ConnectionLimits limits) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("DATA_DIR", dataDir.toString());
        env.put("API_KEYS", KEY + "@acme:manager+system");
        // A rate limit that these few requests cannot reach.
        env.put("RATE_LIMIT_RPS", "100");
        env.put("RATE_LIMIT_BURST", "100");
        return ExampleServer.start(ServerConfig.fromEnvironment(env::get), Clock.systemUTC(), limits);
    }

    private static String uploadHead(int contentLength) {
        return "POST /api/uploads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
                + "\r\nContent-Length: " + contentLength + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void abortsAMultipartUploadTricklingBelowTheMinimumDataRate() throws Exception {
        int fileBytes = 3_000;
        try (ExampleServer server = start(); Raw raw = new Raw(server.port())) {
            raw.send(uploadHead(PART_HEAD.length() + fileBytes + PART_TAIL.length()) + PART_HEAD);
            long started = System.nanoTime();
            // 10 bytes every 100 ms: 100 B/s, well under the 256 B/s minimum; 30 s if the server waits it out.
            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> client = Pace.every(Duration.ofMillis(100), () -> {
                if (raw.answeredOrClosed()) {
                    return false;
                }
                raw.send("x".repeat(10));
                if (sent.addAndGet(10) == fileBytes) {
                    raw.send(PART_TAIL);
                    return false;
                }
                return true;
            });
            try {
                client.get(40, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // The server gave up on the upload and closed the connection: what is expected.
                assertThat(e.getCause()).isInstanceOf(SocketException.class);
            }
            String answer = raw.readAllOrEmpty();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(sent.get()).as("bytes sent before the server gave up").isLessThan(fileBytes);
            assertThat(took).isLessThan(Duration.ofSeconds(10));
            assertThat(answer).doesNotContain(" 201 ");
            assertThat(Raw.status(answer)).as(answer).isEqualTo(408);
            assertThat(answer).contains("The upload arrived too slowly.");
        }
    }

    @Test
    void acceptsAMultipartUploadAtNormalSpeed() throws Exception {
        String file = "hello world plain text line\n".repeat(200);
        try (ExampleServer server = start()) {
            String answer = Raw.exchange(server.port(),
                    uploadHead(PART_HEAD.length() + file.length() + PART_TAIL.length()) + PART_HEAD + file + PART_TAIL);

            assertThat(Raw.status(answer)).isEqualTo(201);
        }
    }

    @Test
    void closesAConnectionWhoseHeadersTrickleInPastTheDeadline() throws Exception {
        // The idle timeout (5 s) never fires: a byte arrives every 200 ms.
        ExampleServer.ConnectionLimits limits = new ExampleServer.ConnectionLimits(Duration.ofSeconds(5),
                Duration.ofSeconds(1), 100);
        try (ExampleServer server = start(limits); Raw slow = new Raw(server.port())) {
            slow.send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
            long started = System.nanoTime();
            AtomicBoolean closed = new AtomicBoolean();
            CompletableFuture<Void> client = Pace.every(Duration.ofMillis(200), () -> {
                if (slow.answeredOrClosed()) {
                    closed.set(true);
                    return false;
                }
                slow.send("x");
                return System.nanoTime() - started < Duration.ofSeconds(10).toNanos();
            });
            try {
                client.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).as("reset by the server").isInstanceOf(SocketException.class);
                closed.set(true);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(closed.get()).as("closed by the server").isTrue();
            assertThat(took).isBetween(Duration.ofMillis(800), Duration.ofSeconds(3));
            assertThat(slow.readAllOrEmpty()).doesNotContain("200 OK");
        }
    }

    @Test
    void givesEachRequestOfAKeptAliveConnectionItsOwnDeadline() throws Exception {
        ExampleServer.ConnectionLimits limits = new ExampleServer.ConnectionLimits(Duration.ofSeconds(5),
                Duration.ofSeconds(1), 100);
        try (ExampleServer server = start(limits); Raw client = new Raw(server.port())) {
            // Four requests 600 ms apart: 1.8 s on one connection, each head well within its deadline.
            List<Integer> statuses = new CopyOnWriteArrayList<>();
            Pace.every(Duration.ofMillis(600), () -> {
                client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                statuses.add(Raw.status(client.readResponse()));
                return statuses.size() < 4;
            }).get(20, TimeUnit.SECONDS);

            assertThat(statuses).containsExactly(200, 200, 200, 200);
        }
    }

    @Test
    void stopsAcceptingPastTheConnectionCap() throws Exception {
        ExampleServer.ConnectionLimits limits = new ExampleServer.ConnectionLimits(Duration.ofSeconds(20),
                Duration.ofSeconds(20), 3);
        try (ExampleServer server = start(limits)) {
            List<Raw> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Raw raw = new Raw(server.port());
                    held.add(raw);
                    // A request answered on each: the server has certainly accepted the connection.
                    raw.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    assertThat(Raw.status(raw.readResponse())).isEqualTo(200);
                }
                try (Raw fourth = new Raw(server.port())) {
                    fourth.send("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                    fourth.soTimeout(Duration.ofSeconds(1));
                    assertThatThrownBy(fourth::readAll).as("answered past the cap").isInstanceOf(SocketTimeoutException.class);

                    held.remove(0).close();
                    fourth.soTimeout(Duration.ofSeconds(10));

                    assertThat(Raw.status(fourth.readAll())).isEqualTo(200);
                }
            } finally {
                for (Raw raw : held) {
                    raw.close();
                }
            }
        }
    }
}
