package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a one-entry conversation cache, conversations are evicted all the time and nothing is lost. */
class ConversationEvictionTest {
    @TempDir
    Path dir;
    private WorkflowServer server;

    @BeforeEach
    void start() throws Exception {
        server = WorkflowServer.builder(dir).sessionMaxEntries(1).start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void anEvictedConversationContinuesFromTheStore() {
        Steps steps = Steps.teamA(server);
        Steps.Booking first = steps.start("ada@example.com", Steps.ENQUIRY);
        steps.start("bob@example.com", Steps.ENQUIRY);
        server.conversations().cleanUp();
        assertThat(server.conversations().size()).isEqualTo(1);
        assertThat(server.conversations().evictionCount()).isGreaterThanOrEqualTo(1);
        long loads = server.conversations().loadCount();

        HttpResult confirmed = steps.say(first, Steps.CONFIRM);
        assertThat(confirmed.json().get("step").asInt()).isEqualTo(3);
        assertThat(confirmed.text("eventId")).isEqualTo(first.eventId());
        assertThat(server.conversations().loadCount()).isEqualTo(loads + 1);

        HttpResult metrics = server.get("/api/debug/cache", WorkflowServer.MANAGER_A);
        assertThat(metrics.json().get("evictions").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(metrics.json().get("size").asLong()).isEqualTo(1);
    }
}
