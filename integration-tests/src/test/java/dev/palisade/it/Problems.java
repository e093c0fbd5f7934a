package dev.palisade.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.filters.testing.RawHttp;
import java.util.List;

/** Assertions on the RFC 9457 problem body every error of the contract carries. */
final class Problems {
    /** Text that only a parser, a stack trace or a container error page would put in a body. */
    static final List<String> LEAKS = List.of("Exception", "exception", "jackson", "Jackson", "Unexpected character",
            "line:", "column:", "[Source", "at [", "java.", "jakarta.", "org.eclipse", "Jetty", "jetty",
            "dev.palisade", "<html", "<HTML", "SQL", "sqlite", "Caused by", "\tat ");

    private Problems() {
    }

    /** A problem+json answer with {@code status}, whose requestId equals X-Request-Id, leaking nothing. */
    static JsonNode assertProblem(Http.Reply reply, int status) {
        assertThat(reply.status()).as("status of %s", reply).isEqualTo(status);
        assertThat(reply.header("Content-Type")).as("content type of %s", reply).startsWith("application/problem+json");
        JsonNode body = reply.json();
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("title").asText()).isNotBlank();
        assertThat(body.path("detail").isTextual()).as("detail in %s", reply.body()).isTrue();
        assertThat(body.path("requestId").asText()).isNotBlank().isEqualTo(reply.header("X-Request-Id"));
        assertNoLeak(reply.body());
        return body;
    }

    static JsonNode assertProblem(RawHttp.Response reply, int status) {
        assertThat(reply.status()).as("status of raw answer %s", reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
        JsonNode body;
        try {
            body = Http.JSON.readTree(reply.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("Not JSON: " + reply.body(), e);
        }
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("requestId").asText()).isNotBlank().isEqualTo(reply.header("X-Request-Id"));
        assertNoLeak(reply.body());
        return body;
    }

    static void assertNoLeak(String body) {
        for (String leak : LEAKS) {
            assertThat(body).as("body leaks %s", leak).doesNotContain(leak);
        }
    }
}
