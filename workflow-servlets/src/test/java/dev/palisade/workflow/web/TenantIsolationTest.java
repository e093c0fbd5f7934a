package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Team B, with valid keys, reaches nothing of team A's on any route: another team's id answers
 * exactly like an unknown id, and lists never show it.
 */
class TenantIsolationTest {
    private static final String UNKNOWN = "00000000-0000-0000-0000-000000000000";

    @TempDir
    Path dir;
    private WorkflowServer server;
    private Steps.Booking booking;
    private String availabilityTaskId;

    @BeforeEach
    void teamAHasABooking() throws Exception {
        server = WorkflowServer.builder(dir).start();
        Steps steps = Steps.teamA(server);
        booking = steps.toAvailability("ada@example.com");
        availabilityTaskId = booking.taskId();
        server.put("/api/config/hil-email", WorkflowServer.MANAGER_A, "{\"email\":\"desk-a@venue.example\"}");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** B's answer for A's id equals B's answer for an id nobody has, apart from the request id. */
    private void assertLikeUnknown(HttpResult forTeamA, HttpResult forNobody) {
        assertThat(forTeamA.status()).as(forTeamA.toString()).isEqualTo(404);
        assertThat(forTeamA.contentType()).startsWith("application/problem+json");
        assertThat(withoutRequestId(forTeamA)).isEqualTo(withoutRequestId(forNobody));
    }

    private static String withoutRequestId(HttpResult result) {
        return result.body().replaceAll("\"requestId\":\"[^\"]*\"", "");
    }

    @Test
    void anotherTeamsEventIsNotFound() {
        assertLikeUnknown(server.get("/api/events/" + booking.eventId(), WorkflowServer.MANAGER_B),
                server.get("/api/events/" + UNKNOWN, WorkflowServer.MANAGER_B));
    }

    @Test
    void anotherTeamsEventsAreNotListed() {
        HttpResult list = server.get("/api/events", WorkflowServer.MANAGER_B);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("events")).isEmpty();
        assertThat(server.get("/api/events", WorkflowServer.MANAGER_A).json().get("events").findValuesAsText("id"))
                .containsExactly(booking.eventId());
    }

    @Test
    void anotherTeamsEventCannotBeCheckedOrPaid() {
        assertLikeUnknown(server.post("/api/events/" + booking.eventId() + "/availability", WorkflowServer.SYSTEM_B, "{}"),
                server.post("/api/events/" + UNKNOWN + "/availability", WorkflowServer.SYSTEM_B, "{}"));
        assertLikeUnknown(server.post("/api/events/" + booking.eventId() + "/deposit/paid", WorkflowServer.MANAGER_B, ""),
                server.post("/api/events/" + UNKNOWN + "/deposit/paid", WorkflowServer.MANAGER_B, ""));
        assertLikeUnknown(server.post("/api/event/deposit/pay", WorkflowServer.SYSTEM_B,
                        "{\"eventId\":\"" + booking.eventId() + "\"}"),
                server.post("/api/event/deposit/pay", WorkflowServer.SYSTEM_B, "{\"eventId\":\"" + UNKNOWN + "\"}"));
    }

    @Test
    void anotherTeamsTasksAreNotFoundNorListedNorDecided() {
        assertLikeUnknown(server.get("/api/tasks/" + availabilityTaskId, WorkflowServer.MANAGER_B),
                server.get("/api/tasks/" + UNKNOWN, WorkflowServer.MANAGER_B));
        assertLikeUnknown(server.post("/api/tasks/" + availabilityTaskId + "/approve", WorkflowServer.MANAGER_B, "{}"),
                server.post("/api/tasks/" + UNKNOWN + "/approve", WorkflowServer.MANAGER_B, "{}"));
        assertLikeUnknown(server.post("/api/tasks/" + availabilityTaskId + "/reject", WorkflowServer.MANAGER_B, "{}"),
                server.post("/api/tasks/" + UNKNOWN + "/reject", WorkflowServer.MANAGER_B, "{}"));
        assertThat(server.get("/api/tasks", WorkflowServer.MANAGER_B).json().get("tasks")).isEmpty();
        assertThat(server.get("/api/tasks/" + availabilityTaskId, WorkflowServer.MANAGER_A).text("status"))
                .as("B's attempts changed nothing").isEqualTo("OPEN");
    }

    @Test
    void anotherTeamsConversationIsNotFound() {
        assertLikeUnknown(server.post("/api/send-message", WorkflowServer.SYSTEM_B,
                        "{\"conversationId\":\"" + booking.conversationId() + "\",\"message\":\"We cancel.\"}"),
                server.post("/api/send-message", WorkflowServer.SYSTEM_B,
                        "{\"conversationId\":\"" + UNKNOWN + "\",\"message\":\"We cancel.\"}"));
        assertThat(server.get("/api/events/" + booking.eventId(), WorkflowServer.MANAGER_A).text("status"))
                .isEqualTo("LEAD");
    }

    @Test
    void anotherTeamsDebugTraceIsNotFound() {
        assertLikeUnknown(server.get("/api/debug/events/" + booking.eventId(), WorkflowServer.MANAGER_B),
                server.get("/api/debug/events/" + UNKNOWN, WorkflowServer.MANAGER_B));
        assertThat(server.get("/api/debug/events/" + booking.eventId(), WorkflowServer.MANAGER_A).status())
                .isEqualTo(200);
    }

    @Test
    void eachTeamHasItsOwnHilAddress() {
        HttpResult b = server.get("/api/config/hil-email", WorkflowServer.MANAGER_B);
        assertThat(b.status()).isEqualTo(200);
        assertThat(b.json().get("configured").asBoolean()).isFalse();
        assertThat(b.body()).doesNotContain("desk-a");
        assertThat(server.post("/api/config/hil-email/test", WorkflowServer.MANAGER_B, "").status()).isEqualTo(409);
    }

    @Test
    void theSameEmailIsADifferentClientInEachTeam() {
        HttpResult b = server.post("/api/start-conversation", WorkflowServer.SYSTEM_B,
                "{\"email\":\"ada@example.com\",\"message\":\"" + Steps.ENQUIRY + "\"}");
        assertThat(b.status()).isEqualTo(201);
        HttpResult a = server.get("/api/events/" + booking.eventId(), WorkflowServer.MANAGER_A);
        assertThat(b.text("clientId")).isNotEqualTo(a.text("clientId"));
        assertThat(server.get("/api/events", WorkflowServer.MANAGER_B).json().get("events").findValuesAsText("id"))
                .containsExactly(b.text("eventId"));
    }
}
