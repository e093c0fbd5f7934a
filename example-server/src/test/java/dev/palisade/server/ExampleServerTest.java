package dev.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.filters.InvalidSettingException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleServerTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> get(ExampleServer server, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersHealthExactlyAndUnknownPathsAsProblems() throws Exception {
        try (ExampleServer server = ExampleServer.start(Map.of("PORT", "0")::get)) {
            HttpResponse<String> health = get(server, "/health");
            HttpResponse<String> unknown = get(server, "/nothing");

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(health.headers().firstValue("Server")).isEmpty();
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(unknown.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
    }

    @Test
    void neverRateLimitsHealth() throws Exception {
        try (ExampleServer server = ExampleServer.start(Map.of("PORT", "0", "RATE_LIMIT_BURST", "1")::get)) {
            for (int i = 0; i < 5; i++) {
                assertThat(get(server, "/health").statusCode()).isEqualTo(200);
            }
            assertThat(get(server, "/nothing").statusCode()).isEqualTo(404);
            assertThat(get(server, "/nothing").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void refusesABadSettingNamingTheVariable() {
        assertThatThrownBy(() -> ExampleServer.start(Map.of("PORT", "eighty")::get))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("PORT").hasMessageContaining("eighty");
        assertThatThrownBy(() -> ExampleServer.start(Map.of("PORT", "0", "RATE_LIMIT_RPS", "-1")::get))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("RATE_LIMIT_RPS");
    }
}
