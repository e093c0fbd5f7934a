package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/** Walks a booking through the API, asserting each step, so a test starts where it needs to. */
final class Steps {
    static final String ENQUIRY = "Hello, we would like to book a room on 12 June 2027 for 40 guests, with a projector.";
    static final String CONFIRM = "Yes, that date works.";
    static final String ACCEPT = "We accept the offer.";
    static final String DECLINE = "Thank you, but we decline the offer.";
    static final String CANCEL = "Please cancel our booking.";

    private final WorkflowServer server;
    private final String manager;
    private final String system;

    Steps(WorkflowServer server, String manager, String system) {
        this.server = server;
        this.manager = manager;
        this.system = system;
    }

    static Steps teamA(WorkflowServer server) {
        return new Steps(server, WorkflowServer.MANAGER_A, WorkflowServer.SYSTEM_A);
    }

    /** Where a booking stands: its ids and the newest task. */
    record Booking(String conversationId, String eventId, String taskId) {
        Booking withTask(String newTaskId) {
            return new Booking(conversationId, eventId, newTaskId);
        }
    }

    Booking start(String email, String message) {
        HttpResult started = server.post("/api/start-conversation", system,
                "{\"email\":\"" + email + "\",\"name\":\"Ada Lovelace\",\"message\":\"" + message + "\"}");
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        return new Booking(started.text("conversationId"), started.text("eventId"), started.text("taskId"));
    }

    HttpResult say(Booking booking, String message) {
        HttpResult result = server.post("/api/send-message", system,
                "{\"conversationId\":\"" + booking.conversationId() + "\",\"message\":\"" + message + "\"}");
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return result;
    }

    HttpResult approve(String taskId) {
        HttpResult result = server.post("/api/tasks/" + taskId + "/approve", manager, "{}");
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return result;
    }

    JsonNode event(String eventId) {
        HttpResult result = server.get("/api/events/" + eventId, manager);
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return result.json();
    }

    JsonNode task(String taskId) {
        HttpResult result = server.get("/api/tasks/" + taskId, manager);
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return result.json();
    }

    /** Steps 1–3: enquiry, intake reply approved, date confirmed; the AVAILABILITY task is open. */
    Booking toAvailability(String email) {
        Booking booking = start(email, ENQUIRY);
        approve(booking.taskId());
        HttpResult confirmed = say(booking, CONFIRM);
        assertThat(confirmed.json().get("step").asInt()).isEqualTo(3);
        return booking.withTask(confirmed.text("taskId"));
    }

    /** Steps 1–4: the availability approved; the OFFER task is open. */
    Booking toOffer(String email) {
        Booking booking = toAvailability(email);
        HttpResult approved = approve(booking.taskId());
        assertThat(approved.json().get("step").asInt()).isEqualTo(4);
        return booking.withTask(approved.text("nextTaskId"));
    }

    /** Steps 1–5: the offer sent, the room held. */
    Booking toNegotiation(String email) {
        Booking booking = toOffer(email);
        HttpResult sent = approve(booking.taskId());
        assertThat(sent.json().get("step").asInt()).isEqualTo(5);
        assertThat(sent.text("eventStatus")).isEqualTo("OPTION");
        return booking;
    }

    /** The snapshot id in a draft's {@code /s/{id}} link. */
    static String snapshotIdIn(String draft) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/s/([0-9a-f]{32})").matcher(draft);
        assertThat(m.find()).as("a /s/ link in: " + draft).isTrue();
        return m.group(1);
    }
}
