package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.workflow.domain.Direction;
import dev.palisade.workflow.domain.Message;
import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.domain.Team;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Steps 1–7 end to end through the servlets, and the decline and cancellation paths. */
class BookingFlowTest {
    private static final Team A = new Team(WorkflowServer.TEAM_A);

    @TempDir
    Path dir;
    private WorkflowServer server;
    private Steps steps;

    @BeforeEach
    void start() throws Exception {
        server = WorkflowServer.builder(dir).start();
        steps = Steps.teamA(server);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void walksABookingFromEnquiryToConfirmation() {
        // 1 intake: the date is known, so the draft asks to confirm it (step 2).
        HttpResult started = server.post("/api/start-conversation", WorkflowServer.SYSTEM_A,
                "{\"email\":\"ada@example.com\",\"name\":\"Ada Lovelace\",\"message\":\"" + Steps.ENQUIRY + "\"}");
        assertThat(started.status()).isEqualTo(201);
        assertThat(started.json().get("step").asInt()).isEqualTo(2);
        assertThat(started.text("reply")).contains("Saturday 12 June 2027").contains("40 guests");
        Steps.Booking booking = new Steps.Booking(started.text("conversationId"), started.text("eventId"),
                started.text("taskId"));
        assertThat(taskIds(server.get("/api/tasks?status=open", WorkflowServer.MANAGER_A))).contains(booking.taskId());
        assertThat(noEmailTo("ada@example.com")).as("nothing reaches the client before approval").isTrue();
        steps.approve(booking.taskId());

        // 2 date confirmation runs 3 at once.
        HttpResult confirmed = steps.say(booking, Steps.CONFIRM);
        assertThat(confirmed.json().get("step").asInt()).isEqualTo(3);
        assertThat(steps.task(confirmed.text("taskId")).get("kind").asText()).isEqualTo("AVAILABILITY");
        // The manager sets the automatic check aside and asks again through the API.
        assertThat(server.post("/api/tasks/" + confirmed.text("taskId") + "/reject", WorkflowServer.MANAGER_A, "{}")
                .status()).isEqualTo(200);

        // 3 availability through the API: non-interactive, a draft and a task.
        HttpResult availability = server.post("/api/events/" + booking.eventId() + "/availability",
                WorkflowServer.SYSTEM_A, "{}");
        assertThat(availability.status()).as(availability.toString()).isEqualTo(200);
        assertThat(availability.text("reply")).contains("Loft");
        assertThat(availability.json().get("rooms").get(0).asText()).isEqualTo("loft");
        String roomsPage = availability.text("snapshotId");
        assertThat(server.get("/s/" + roomsPage, null).status()).isEqualTo(200);
        assertThat(taskIds(server.get("/api/tasks", WorkflowServer.MANAGER_A))).contains(availability.text("taskId"));

        // 4 offer, with a working /s/{id} page.
        HttpResult approved = steps.approve(availability.text("taskId"));
        assertThat(approved.json().get("step").asInt()).isEqualTo(4);
        JsonNode offerTask = steps.task(approved.text("nextTaskId"));
        assertThat(offerTask.get("kind").asText()).isEqualTo("OFFER");
        String offerPage = Steps.snapshotIdIn(offerTask.get("draft").asText());
        HttpResult page = server.get("/s/" + offerPage, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().at("/page/room/id").asText()).isEqualTo("loft");
        // Loft EUR 2800 + 40 x EUR 45 catering.
        assertThat(page.json().at("/page/price/totalCents").asLong()).isEqualTo(460_000);
        assertThat(page.body()).doesNotContain("ada@example.com").doesNotContain("Lovelace");

        // 5 offer sent: the room is held.
        HttpResult sent = steps.approve(approved.text("nextTaskId"));
        assertThat(sent.text("eventStatus")).isEqualTo("OPTION");
        assertThat(sent.json().get("step").asInt()).isEqualTo(5);

        // 6 acceptance: a deposit of 30 %.
        HttpResult accepted = steps.say(booking, Steps.ACCEPT);
        assertThat(accepted.json().get("step").asInt()).isEqualTo(6);
        assertThat(accepted.text("reply")).contains("EUR 1380.00");
        assertThat(steps.task(accepted.text("taskId")).get("kind").asText()).isEqualTo("DEPOSIT_REQUEST");
        steps.approve(accepted.text("taskId"));
        JsonNode beforePay = steps.event(booking.eventId());
        assertThat(beforePay.at("/offer/status").asText()).isEqualTo("ACCEPTED");
        assertThat(beforePay.at("/deposit/status").asText()).isEqualTo("REQUESTED");
        assertThat(beforePay.at("/deposit/amountCents").asLong()).isEqualTo(138_000);

        // 7 deposit paid (dev payment mock): confirmed, pages gone.
        HttpResult paid = server.post("/api/event/deposit/pay", WorkflowServer.SYSTEM_A,
                "{\"eventId\":\"" + booking.eventId() + "\"}");
        assertThat(paid.status()).as(paid.toString()).isEqualTo(200);
        assertThat(paid.text("status")).isEqualTo("CONFIRMED");
        assertThat(paid.json().get("step").asInt()).isEqualTo(7);
        assertThat(steps.task(paid.text("taskId")).get("kind").asText()).isEqualTo("CONFIRMATION");
        steps.approve(paid.text("taskId"));
        assertThat(server.get("/s/" + offerPage, null).status()).isEqualTo(404);
        assertThat(server.get("/s/" + roomsPage, null).status()).isEqualTo(404);
        assertThat(snapshotRowsLeft(booking.eventId())).as("the pages are deleted, not only hidden").isZero();
        JsonNode event = steps.event(booking.eventId());
        assertThat(event.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(event.get("step").asInt()).isEqualTo(7);
        assertThat(event.at("/deposit/status").asText()).isEqualTo("PAID");
        assertThat(event.get("roomId").asText()).isEqualTo("loft");

        // Every approval queued exactly one email to the client and recorded the reply.
        long approvals = server.get("/api/tasks?status=approved", WorkflowServer.MANAGER_A).json().get("tasks").size();
        assertThat(emailsTo("ada@example.com")).hasSize((int) approvals);
        List<Message> messages = server.store().inTeam(A, tx -> tx.messages(booking.conversationId(), 100));
        assertThat(messages.stream().filter(m -> m.direction() == Direction.OUTBOUND)).hasSize((int) approvals);
        assertThat(messages.stream().filter(m -> m.direction() == Direction.INBOUND)).hasSize(3);
    }

    @Test
    void declineClosesTheEventAndRemovesItsPages() {
        Steps.Booking booking = steps.toOffer("dora@example.com");
        String offerPage = Steps.snapshotIdIn(steps.task(booking.taskId()).get("draft").asText());
        steps.approve(booking.taskId());

        HttpResult declined = steps.say(booking, Steps.DECLINE);
        assertThat(declined.text("status")).isEqualTo("DECLINED");
        assertThat(steps.task(declined.text("taskId")).get("kind").asText()).isEqualTo("REPLY");
        JsonNode event = steps.event(booking.eventId());
        assertThat(event.get("status").asText()).isEqualTo("DECLINED");
        assertThat(event.at("/offer/status").asText()).isEqualTo("DECLINED");
        assertThat(server.get("/s/" + offerPage, null).status()).isEqualTo(404);
        assertThat(snapshotRowsLeft(booking.eventId())).as("the pages are deleted, not only hidden").isZero();

        // A closed booking still records messages and answers that it is closed.
        HttpResult later = steps.say(booking, "Could we still come on 12 June?");
        assertThat(later.text("reply")).contains("closed");
        assertThat(later.text("status")).isEqualTo("DECLINED");
    }

    @Test
    void cancellationWithdrawsTheOfferAndReleasesTheRoom() {
        Steps.Booking first = steps.toNegotiation("carl@example.com");
        assertThat(steps.event(first.eventId()).get("roomId").asText()).isEqualTo("loft");

        // While the loft is held, a second party with the same wishes is offered the ballroom.
        Steps.Booking second = steps.toAvailability("erin@example.com");
        assertThat(steps.event(second.eventId()).get("roomId").asText()).isEqualTo("ballroom");
        assertThat(steps.task(second.taskId()).get("draft").asText()).doesNotContain("Loft");

        HttpResult cancelled = steps.say(first, Steps.CANCEL);
        assertThat(cancelled.text("status")).isEqualTo("CANCELLED");
        JsonNode event = steps.event(first.eventId());
        assertThat(event.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(event.get("offer")).as("the withdrawn offer is no longer current").isNull();
        assertThat(snapshotRowsLeft(first.eventId())).as("the pages are deleted").isZero();

        // The loft is free again.
        HttpResult recheck = server.post("/api/events/" + second.eventId() + "/availability", WorkflowServer.MANAGER_A,
                "{}");
        assertThat(recheck.json().get("rooms").get(0).asText()).isEqualTo("loft");
    }

    @Test
    void approvingATaskTwiceIsAConflict() {
        Steps.Booking booking = steps.start("fay@example.com", Steps.ENQUIRY);
        steps.approve(booking.taskId());
        HttpResult again = server.post("/api/tasks/" + booking.taskId() + "/approve", WorkflowServer.MANAGER_A, "{}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");
        assertThat(server.post("/api/tasks/" + booking.taskId() + "/reject", WorkflowServer.MANAGER_A, "{}").status())
                .isEqualTo(409);
        assertThat(emailsTo("fay@example.com")).hasSize(1);
    }

    @Test
    void twoManagersApprovingAtOnceSendOneEmail() throws Exception {
        Steps.Booking booking = steps.start("kim@example.com", Steps.ENQUIRY);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<HttpResult>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(pool.submit(() -> server.post("/api/tasks/" + booking.taskId() + "/approve",
                        WorkflowServer.MANAGER_A, "{}")));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<HttpResult> answer : answers) {
                statuses.add(answer.get(30, java.util.concurrent.TimeUnit.SECONDS).status());
            }
            assertThat(statuses).containsOnlyOnce(200).containsOnly(200, 409);
        } finally {
            pool.shutdownNow();
        }
        assertThat(emailsTo("kim@example.com")).hasSize(1);
    }

    @Test
    void rejectingATaskSendsNothing() {
        Steps.Booking booking = steps.start("gus@example.com", Steps.ENQUIRY);
        HttpResult rejected = server.post("/api/tasks/" + booking.taskId() + "/reject", WorkflowServer.MANAGER_A, "");
        assertThat(rejected.status()).as(rejected.toString()).isEqualTo(200);
        assertThat(rejected.text("status")).isEqualTo("REJECTED");
        assertThat(noEmailTo("gus@example.com")).isTrue();
    }

    @Test
    void anEditedReplyIsWhatTheClientGets() {
        Steps.Booking booking = steps.start("hal@example.com", Steps.ENQUIRY);
        HttpResult approved = server.post("/api/tasks/" + booking.taskId() + "/approve", WorkflowServer.MANAGER_A,
                "{\"reply\":\"Dear Hal, see you in June.\"}");
        assertThat(approved.status()).isEqualTo(200);
        assertThat(emailsTo("hal@example.com")).extracting(OutboxEmail::body).containsExactly("Dear Hal, see you in June.");
    }

    @Test
    void notifiesTheHilAddressWithoutTheClientMessage() {
        assertThat(server.put("/api/config/hil-email", WorkflowServer.MANAGER_A, "{\"email\":\"desk@venue.example\"}")
                .status()).isEqualTo(200);
        assertThat(server.get("/api/config/hil-email", WorkflowServer.MANAGER_A).text("email"))
                .isEqualTo("desk@venue.example");
        Steps.Booking booking = steps.start("ivy@example.com", Steps.ENQUIRY);
        List<OutboxEmail> notices = emailsTo("desk@venue.example");
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).body()).contains(booking.taskId()).doesNotContain("projector")
                .doesNotContain("ivy@example.com");
    }

    @Test
    void depositCannotBeMarkedPaidBeforeItIsRequested() {
        Steps.Booking booking = steps.toNegotiation("jo@example.com");
        HttpResult early = server.post("/api/events/" + booking.eventId() + "/deposit/paid", WorkflowServer.MANAGER_A, "");
        assertThat(early.status()).isEqualTo(409);
        steps.say(booking, Steps.ACCEPT);
        HttpResult paid = server.post("/api/events/" + booking.eventId() + "/deposit/paid", WorkflowServer.MANAGER_A, "");
        assertThat(paid.status()).as(paid.toString()).isEqualTo(200);
        assertThat(paid.text("status")).isEqualTo("CONFIRMED");
        assertThat(server.post("/api/events/" + booking.eventId() + "/deposit/paid", WorkflowServer.MANAGER_A, "")
                .status()).isEqualTo(409);
    }

    /** Deleting again finds nothing if the workflow deleted the event's snapshot rows. */
    private int snapshotRowsLeft(String eventId) {
        return server.store().inTeam(A, tx -> tx.deleteSnapshotsOfEvent(eventId));
    }

    private static List<String> taskIds(HttpResult list) {
        assertThat(list.status()).isEqualTo(200);
        return list.json().get("tasks").findValuesAsText("id");
    }

    private List<OutboxEmail> emailsTo(String address) {
        return server.store().inTeam(A, tx -> tx.dueEmails(server.clock().instant().plusSeconds(3600), 1000))
                .stream().filter(e -> e.recipient().equals(address)).toList();
    }

    private boolean noEmailTo(String address) {
        return emailsTo(address).isEmpty();
    }
}
