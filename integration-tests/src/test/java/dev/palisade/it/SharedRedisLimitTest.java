package dev.palisade.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RATE_LIMIT_BACKEND=redis}: two server processes (each with its own data directory) share one
 * client's budget through Redis at 127.0.0.1:6379. Fails without Redis when {@code REQUIRE_SERVICES=1},
 * skips with a message otherwise.
 */
class SharedRedisLimitTest {
    private static final String REDIS_URL = "redis://127.0.0.1:6379";

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    @BeforeAll
    static void requireRedis() {
        String unreachable = null;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 6379), 2_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readNBytes(7), StandardCharsets.US_ASCII);
            if (!answer.startsWith("+PONG")) {
                unreachable = "Redis at 127.0.0.1:6379 answered " + answer.strip() + " to PING";
            }
        } catch (IOException e) {
            unreachable = "Redis at 127.0.0.1:6379 is unreachable (" + e.getClass().getSimpleName() + ")";
        }
        if (unreachable != null) {
            if ("1".equals(System.getenv("REQUIRE_SERVICES"))) {
                Assertions.fail(unreachable + " and REQUIRE_SERVICES=1");
            }
            Assumptions.abort(unreachable + "; skipped (set REQUIRE_SERVICES=1 to make this a failure)");
        }
    }

    private static Map<String, String> env() {
        return Map.of(
                "API_KEYS", Keys.API_KEYS,
                "RATE_LIMIT_BACKEND", "redis",
                "REDIS_URL", REDIS_URL,
                "RATE_LIMIT_RPS", "0.01",
                "RATE_LIMIT_BURST", "2",
                // Each run is a new client (a fresh X-Forwarded-For behind the trusted local proxy), so
                // buckets left in Redis by an earlier run never count.
                "TRUSTED_PROXIES", "127.0.0.1/32");
    }

    private static int startConversation(Http http, String client, int i) {
        return http.send(http.request("POST", "/api/start-conversation", Keys.ALPHA_SYSTEM)
                .headers(h -> h.put("X-Forwarded-For", client))
                .body(new StringRequestContent("application/json",
                        "{\"email\":\"shared" + i + "@example.com\",\"message\":\"Room for 20 guests on 1 July 2027\"}")))
                .status();
    }

    @Test
    void twoProcessesShareOneClientsBudget() {
        // A documentation-range address in a /64 of its own per run: the limiter keys IPv6 clients by their
        // /64, so varying only the interface bits would meet an earlier run's bucket (refilled at 0.01/s).
        String client = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0x10000)) + ":"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0x10000)) + "::1";
        try (ServerProcess a = ServerProcess.start(dirA, env());
                ServerProcess b = ServerProcess.start(dirB, env());
                Http httpA = Http.to(a);
                Http httpB = Http.to(b)) {
            assertThat(startConversation(httpA, client, 1)).isEqualTo(201);
            assertThat(startConversation(httpB, client, 2)).isEqualTo(201);
            // The burst of 2 is spent across both processes: the third call is refused by either.
            assertThat(startConversation(httpA, client, 3)).isEqualTo(429);
            assertThat(startConversation(httpB, client, 4)).isEqualTo(429);
        }
    }
}
