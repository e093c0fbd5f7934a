package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /s/{id}}: public, JSON, gone when expired, unknown or malformed. */
class SnapshotPageTest {
    @TempDir
    Path dir;
    private WorkflowServer server;

    @BeforeEach
    void start() throws Exception {
        server = WorkflowServer.builder(dir).start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void anOfferPageExpiresAfterSevenDays() {
        Steps steps = Steps.teamA(server);
        Steps.Booking booking = steps.toOffer("ada@example.com");
        String page = Steps.snapshotIdIn(steps.task(booking.taskId()).get("draft").asText());
        HttpResult shown = server.get("/s/" + page, null);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.contentType()).startsWith("application/json");
        assertThat(shown.text("type")).isEqualTo("OFFER");

        server.clock().advance(Duration.ofDays(7).plusMinutes(1));
        HttpResult expired = server.get("/s/" + page, null);
        assertThat(expired.status()).isEqualTo(404);
        assertThat(expired.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aQnaTestPageLastsAYear() {
        HttpResult created = server.post("/api/qna", WorkflowServer.MANAGER_A, "{}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.text("snapshotId");
        assertThat(created.text("link")).isEqualTo("/s/" + id);
        assertThat(server.get("/api/qna/" + id, WorkflowServer.MANAGER_A).json().at("/page/items/0/question").asText())
                .contains("How many guests");
        server.clock().advance(Duration.ofDays(300));
        assertThat(server.get("/s/" + id, null).status()).isEqualTo(200);
        server.clock().advance(Duration.ofDays(66));
        assertThat(server.get("/s/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void unknownAndMalformedIdsAnswerTheSame404() {
        HttpResult unknown = server.get("/s/0123456789abcdef0123456789abcdef", null);
        HttpResult malformed = server.get("/s/not-hex", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(malformed.status()).isEqualTo(404);
        assertThat(malformed.text("detail")).isEqualTo(unknown.text("detail"));
    }
}
