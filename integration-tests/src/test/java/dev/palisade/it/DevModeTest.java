package dev.palisade.it;

import static dev.palisade.it.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dev mode: test endpoints on by default, debug traces only with DEBUG_TRACE_ENABLED=1. */
class DevModeTest {
    @TempDir
    Path dataDir;

    private ServerProcess start(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of("ENV", "dev", "API_KEYS", Keys.API_KEYS));
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return ServerProcess.start(dataDir, env);
    }

    private static String startUpLine(ServerProcess server) {
        List<String> lines = server.log().lines()
                .filter(line -> line.toLowerCase(Locale.ROOT).contains("risky routes"))
                .collect(Collectors.toList());
        assertThat(lines).as("one start-up line naming the risky routes in:\n%s", server.log()).hasSize(1);
        return lines.get(0);
    }

    @Test
    void devMountsTestEndpointsButNoDebugTracesByDefault() {
        try (ServerProcess server = start(); Http http = Http.to(server)) {
            Http.Reply health = http.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().path("status").asText()).isEqualTo("ok");

            Http.Reply qna = http.get("/api/qna", Keys.ALPHA_MANAGER);
            assertThat(qna.status()).as("%s", qna).isNotEqualTo(404).isLessThan(500);
            Http.Reply pay = http.postJson("/api/event/deposit/pay", Keys.ALPHA_MANAGER, "{}");
            assertThat(pay.status()).as("%s", pay).isNotEqualTo(404).isLessThan(500);

            assertProblem(http.get("/api/debug/cache", Keys.ALPHA_MANAGER), 404);

            String line = startUpLine(server);
            assertThat(line).contains("dev").contains("ENV").contains("/api/");
            assertThat(line).doesNotContain("/api/debug");
        }
    }

    @Test
    void devWithDebugTraceEnabledMountsDebugEndpoints() {
        try (ServerProcess server = start("DEBUG_TRACE_ENABLED", "1"); Http http = Http.to(server)) {
            Http.Reply cache = http.get("/api/debug/cache", Keys.ALPHA_MANAGER);

            assertThat(cache.status()).as("%s", cache).isEqualTo(200);
            assertThat(startUpLine(server)).contains("dev").contains("/api/debug");
        }
    }

    @Test
    void devWithTestEndpointsSwitchedOffAnswersThemAsUnknown() {
        try (ServerProcess server = start("ALLOW_TEST_ENDPOINTS", "0"); Http http = Http.to(server)) {
            assertProblem(http.get("/api/qna", Keys.ALPHA_MANAGER), 404);
            assertProblem(http.postJson("/api/event/deposit/pay", Keys.ALPHA_MANAGER, "{}"), 404);
            assertProblem(http.postJson("/api/emails/test", Keys.ALPHA_MANAGER, "{}"), 404);
            assertThat(startUpLine(server)).contains("dev").doesNotContain("/api/qna");
        }
    }
}
