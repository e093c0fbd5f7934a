package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.domain.Team;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dev-only test endpoints and the debug trace. */
class DevEndpointsTest {
    private static final Team A = new Team(WorkflowServer.TEAM_A);

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

    private List<OutboxEmail> outbox() {
        return server.store().inTeam(A, tx -> tx.dueEmails(server.clock().instant().plusSeconds(60), 100));
    }

    @Test
    void queuesATestEmailToAnAddressOrTheHilAddress() {
        HttpResult toAddress = server.post("/api/emails/test", WorkflowServer.MANAGER_A, "{\"to\":\"ops@venue.example\"}");
        assertThat(toAddress.status()).as(toAddress.toString()).isEqualTo(202);
        assertThat(server.post("/api/emails/test", WorkflowServer.MANAGER_A, "{}").status())
                .as("no HIL address to default to").isEqualTo(409);
        server.put("/api/config/hil-email", WorkflowServer.MANAGER_A, "{\"email\":\"desk@venue.example\"}");
        HttpResult hil = server.post("/api/config/hil-email/test", WorkflowServer.MANAGER_A, "");
        assertThat(hil.status()).isEqualTo(202);
        assertThat(outbox()).extracting(OutboxEmail::recipient)
                .containsExactlyInAnyOrder("ops@venue.example", "desk@venue.example");
        assertThat(outbox()).extracting(OutboxEmail::id).contains(toAddress.text("emailId"), hil.text("emailId"));
    }

    @Test
    void tracesAnEventsMessagesTasksAndAnalyses() {
        Steps.Booking booking = Steps.teamA(server).toAvailability("ada@example.com");
        HttpResult trace = server.get("/api/debug/events/" + booking.eventId(), WorkflowServer.MANAGER_A);
        assertThat(trace.status()).isEqualTo(200);
        JsonNode json = trace.json();
        assertThat(json.at("/event/id").asText()).isEqualTo(booking.eventId());
        assertThat(json.get("tasks").findValuesAsText("kind")).containsExactlyInAnyOrder("REPLY", "AVAILABILITY");
        assertThat(json.get("messages").findValuesAsText("direction")).containsExactly("INBOUND", "OUTBOUND", "INBOUND");
        assertThat(json.get("analyses").findValuesAsText("intent")).containsExactly("ENQUIRY", "CONFIRM");
        assertThat(json.get("analyses").get(0).get("guests").asInt()).isEqualTo(40);
    }
}
