package dev.palisade.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.RawHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM: stop accepting, finish what is in flight, exit within a bound, lose nothing answered. A JVM
 * that ends because of SIGTERM exits 143 (128 + 15) after its shutdown hooks ran, unless the server
 * calls {@code System.exit(0)} itself; both are a clean stop, any other status is not.
 */
class ShutdownTest {
    private static final java.util.List<Integer> CLEAN_EXIT = java.util.List.of(0, 143);
    private static final Map<String, String> ENV = Map.of("API_KEYS", Keys.API_KEYS);
    private static final Duration STOP_BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void sigtermExitsZeroAndKeepsEveryAnsweredWrite() {
        String eventId;
        try (ServerProcess server = ServerProcess.start(dataDir, ENV); Http http = Http.to(server)) {
            Http.Reply created = http.postJson("/api/start-conversation", Keys.ALPHA_SYSTEM,
                    "{\"email\":\"term@example.com\",\"message\":\"Room for 12 guests on 9 September 2027\"}");
            assertThat(created.status()).as("%s", created).isEqualTo(201);
            eventId = created.text("eventId");

            assertThat(server.stop()).as("exit status after SIGTERM; log:\n%s", server.log()).isIn(CLEAN_EXIT);
            assertThat(server.log()).doesNotContain(" ERROR ").doesNotContain("\tat ");
        }
        try (ServerProcess again = ServerProcess.start(dataDir, ENV); Http http = Http.to(again)) {
            assertThat(http.get("/api/events/" + eventId, Keys.ALPHA_MANAGER).status()).isEqualTo(200);
        }
    }

    @Test
    void sigtermLetsARequestInFlightFinishAndStopsAccepting() throws IOException {
        try (ServerProcess server = ServerProcess.start(dataDir, ENV); RawHttp upload = RawHttp.connect(server.port())) {
            String boundary = "shutdown-boundary";
            byte[] body = Chunked.multipart(boundary, "notes.txt", "text/plain",
                    "Minutes of the planning meeting.\n".repeat(200).getBytes(StandardCharsets.UTF_8));
            int half = body.length / 2;
            upload.send("POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Keys.ALPHA_SYSTEM
                    + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: "
                    + body.length + "\r\nExpect: 100-continue\r\n\r\n");
            // 100 Continue comes once the application starts reading the body: the request is in flight.
            RawHttp.Response interim = upload.readResponse();
            assertThat(interim.status()).isEqualTo(100);
            upload.send(java.util.Arrays.copyOfRange(body, 0, half));

            server.signalTerm();
            Awaitility.await("the server stops accepting connections").atMost(STOP_BOUND)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> !accepts(server.port()));

            upload.send(java.util.Arrays.copyOfRange(body, half, body.length));
            RawHttp.Response answer = upload.readResponse();
            assertThat(answer.status()).as("in-flight upload: %s", answer.body()).isEqualTo(201);
            assertThat(server.awaitExit(STOP_BOUND)).as("exit status; log:\n%s", server.log()).isIn(CLEAN_EXIT);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
