package dev.palisade.it;

import static dev.palisade.it.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny limits: the high-risk routes, the general /api limit, and /health, which is never limited. */
class RateLimitTest {
    @TempDir
    static Path dataDir;

    static ServerProcess server;
    static Http http;
    static int adminPort;

    @BeforeAll
    static void startServer() {
        adminPort = ServerProcess.freePort();
        server = ServerProcess.start(dataDir, Map.of(
                "ADMIN_PORT", Integer.toString(adminPort),
                "API_KEYS", Keys.API_KEYS,
                "RATE_LIMIT_RPS", "1",
                "RATE_LIMIT_BURST", "2",
                "RATE_LIMIT_GENERAL_RPS", "1",
                "RATE_LIMIT_GENERAL_BURST", "20",
                // Each test is its own client behind the trusted local proxy, so buckets never mix.
                "TRUSTED_PROXIES", "127.0.0.1/32"));
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

    private static Http.Reply startConversation(String client, int i) {
        return http.send(http.request("POST", "/api/start-conversation", Keys.ALPHA_SYSTEM)
                .headers(h -> h.put("X-Forwarded-For", client))
                .body(new StringRequestContent("application/json",
                        "{\"email\":\"rate" + i + "@example.com\",\"message\":\"Room for 20 guests on 1 July 2027\"}")));
    }

    private static Http.Reply get(String path, String token, String client) {
        return http.send(http.request("GET", path, token).headers(h -> h.put("X-Forwarded-For", client)));
    }

    @Test
    void highRiskRoutePastItsBurstAnswers429WithRetryAfterAndRateLimitFields() {
        List<Integer> statuses = new ArrayList<>();
        Http.Reply limited = null;
        for (int i = 0; i < 10 && limited == null; i++) {
            Http.Reply reply = startConversation("203.0.113.10", i);
            statuses.add(reply.status());
            if (reply.status() == 429) {
                limited = reply;
            }
        }

        assertThat(limited).as("a 429 within 10 calls with burst 2; statuses %s", statuses).isNotNull();
        assertThat(statuses.subList(0, 2)).as("the burst is served").containsOnly(201);
        assertProblem(limited, 429);
        assertThat(limited.header("Retry-After")).matches("[0-9]+");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isGreaterThanOrEqualTo(1);
        assertThat(limited.header("RateLimit-Policy")).isNotBlank();
        assertThat(limited.header("RateLimit")).isNotBlank();
    }

    @Test
    void availabilityCheckOpensATaskThatEmailsTheTeamSoItHasTheStrictLimit() {
        String eventId = startConversation("203.0.113.60", 400).json().path("eventId").asText();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(http.send(http.request("POST", "/api/events/" + eventId + "/availability", Keys.ALPHA_MANAGER)
                    .headers(h -> h.put("X-Forwarded-For", "203.0.113.61"))
                    .body(new StringRequestContent("application/json", "{}"))).status());
        }

        assertThat(statuses).as("burst 2, then the strict limit").containsExactly(200, 200, 429);
    }

    /**
     * A line the chain logs while a request runs names that request's id, as its access log line
     * does: the rate limiter's first rejection since start (whichever test's it was) and the 429
     * logged for it share one id. Lines logged outside a request have no such field.
     */
    @Test
    void aLineLoggedDuringARequestNamesItsId() {
        for (int i = 0; i < 4; i++) {
            startConversation("203.0.113.80", 500 + i);
        }
        java.util.regex.Pattern idField = java.util.regex.Pattern.compile(" requestId=([A-Za-z0-9._-]+) - Rejected ");

        // The access log's line is written once the request is done, the client may have its answer before.
        org.awaitility.Awaitility.await("the first rejection's lines").atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(50)).untilAsserted(() -> {
                    String log = server.log();
                    List<String> firstRejections = log.lines()
                            .filter(line -> line.contains("(429) by ") && line.contains("(the first since start"))
                            .collect(java.util.stream.Collectors.toList());
                    assertThat(firstRejections).as("log:\n%s", log).isNotEmpty().allSatisfy(line -> {
                        java.util.regex.Matcher id = idField.matcher(line);
                        assertThat(id.find()).as("request id field in %s", line).isTrue();
                        assertThat(log.lines().filter(access -> access.contains(" status=429 ")
                                && access.endsWith("requestId=" + id.group(1))))
                                .as("the access log line of request %s in:\n%s", id.group(1), log).hasSize(1);
                    });
                    assertThat(log.lines().filter(line -> line.contains("Palisade example server on")).findFirst()
                            .orElseThrow()).as("the start-up line, logged outside any request")
                            .doesNotContain("requestId=");
                });
    }

    @Test
    void clientsBehindTheTrustedProxyHaveTheirOwnBuckets() {
        for (int i = 0; i < 3; i++) {
            startConversation("203.0.113.40", 100 + i);
        }
        assertThat(startConversation("203.0.113.41", 200).status()).isEqualTo(201);
    }

    @Test
    void adminPortServesPrometheusTextCountingRateLimitRejections() {
        for (int i = 0; i < 4; i++) {
            startConversation("203.0.113.50", 300 + i);
        }
        Http.Reply metrics;
        try (Http admin = Http.to("http://127.0.0.1:" + adminPort)) {
            metrics = admin.get("/metrics");
        }

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        assertThat(metrics.body()).contains("# TYPE");
        assertThat(metrics.body().lines()
                .filter(line -> !line.startsWith("#") && line.contains("429"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum()).as("429 counters in:\n%s", metrics.body()).isGreaterThanOrEqualTo(1);
        assertThat(http.get("/metrics", Keys.ALPHA_MANAGER).body()).doesNotContain("# TYPE");
    }

    @Test
    void healthIsNeverLimited() {
        for (int i = 0; i < 60; i++) {
            assertThat(get("/health", null, "203.0.113.20").status()).as("health call %d", i).isEqualTo(200);
        }
        // Below /health nothing is limited either, so no key is looked at there: a guessed key gets
        // the unknown path's 404, never a 401 that would tell a wrong key from a right one.
        for (int i = 0; i < 20; i++) {
            assertThat(get("/health/live", "guess-" + i, "203.0.113.21").status()).as("call %d", i).isEqualTo(404);
        }
    }

    /** Key guesses at a path outside the API are slowed down too: 401s, then 429s. */
    @Test
    void pathsOutsideTheApiHaveTheGeneralLimitToo() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 40 && !statuses.contains(429); i++) {
            statuses.add(get("/no-such-page", "wrong-key-" + i, "203.0.113.70").status());
        }

        assertThat(statuses).as("statuses").contains(401, 429);
    }

    @Test
    void otherApiRoutesHaveTheLooserGeneralLimit() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 40 && !statuses.contains(429); i++) {
            statuses.add(get("/api/events", Keys.ALPHA_MANAGER, "203.0.113.30").status());
        }

        assertThat(statuses).as("statuses").contains(429);
        assertThat(statuses.indexOf(429)).as("calls served before the general limit (burst 20)").isGreaterThanOrEqualTo(15);
        assertThat(get("/health", null, "203.0.113.30").status()).isEqualTo(200);
    }
}
