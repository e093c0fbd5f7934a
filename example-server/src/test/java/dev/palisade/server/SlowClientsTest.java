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
            int sent = 0;
            try {
                while (sent < fileBytes) {
                    raw.send("x".repeat(10));
                    sent += 10;
                    Thread.sleep(100);  // the client's pace, not synchronisation
                    if (raw.answeredOrClosed()) {
                        break;
                    }
                }
                if (sent == fileBytes) {
                    raw.send(PART_TAIL);
                }
            } catch (SocketException closed) {
                // The server gave up on the upload and closed the connection: what is expected.
            }
            String answer = raw.readAllOrEmpty();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(sent).as("bytes sent before the server gave up").isLessThan(fileBytes);
            assertThat(took).isLessThan(Duration.ofSeconds(10));
            assertThat(answer).doesNotContain(" 201 ");
            if (!answer.isEmpty()) {
                // 400: the upload servlet takes any failure of getPart() for a malformed body.
                assertThat(Raw.status(answer)).as(answer).isIn(400, 408);
            }
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
            boolean closed = false;
            try {
                while (!closed && Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(10)) < 0) {
                    slow.send("x");
                    Thread.sleep(200);  // the client's pace, not synchronisation
                    closed = slow.answeredOrClosed();
                }
            } catch (SocketException reset) {
                closed = true;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(closed).as("closed by the server").isTrue();
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
            for (int i = 0; i < 4; i++) {
                if (i > 0) {
                    Thread.sleep(600);  // the client's pace, not synchronisation
                }
                client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(Raw.status(client.readResponse())).as("request %d", i).isEqualTo(200);
            }
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
