package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.workflow.domain.HilTask;
import dev.palisade.workflow.domain.Ids;
import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.domain.TaskKind;
import dev.palisade.workflow.domain.TaskStatus;
import dev.palisade.workflow.domain.Team;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's draft describes the booking as it stood when the task was made. Once the booking moves
 * on, the task is closed ({@code REJECTED} by {@code superseded}) in the same transaction, and
 * approving it is 409 with nothing sent: otherwise a manager approving a task still on screen sent
 * the client an offer for a date or room since changed (two clients were offered the same room on
 * the same date), or a deposit request for a booking already cancelled or paid (found by a review
 * racing managers against each other; sequential here, the transactions make the races the same).
 */
class StaleTasksTest {
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
    void anOfferTaskIsClosedByANewerCheckAndTheClientGetsOnlyTheCurrentOffer() {
        Steps.Booking booking = steps.toOffer("recheck@example.com");
        HttpResult recheck = server.post("/api/events/" + booking.eventId() + "/availability", WorkflowServer.MANAGER_A,
                "{\"date\":\"2027-09-18\"}");
        assertThat(recheck.status()).as(recheck.toString()).isEqualTo(200);
        assertSuperseded(booking.taskId());

        String newOfferTask = steps.approve(recheck.text("taskId")).text("nextTaskId");
        HttpResult stale = approve(booking.taskId());
        steps.approve(newOfferTask);

        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().get("detail").asText()).isEqualTo("The task has already been decided.");
        assertThat(offersTo("recheck@example.com")).singleElement().asString().contains("18 September 2027");
        assertThat(steps.event(booking.eventId()).get("date").asText()).isEqualTo("2027-09-18");
    }

    /**
     * Each detail the client adds while a check waits for the manager (a wish, the guest count, the
     * date) makes it stale, also when the next draft is a reply and not another check.
     */
    @Test
    void detailsTheClientAddsCloseAPendingCheck() {
        Steps.Booking booking = steps.start("details@example.com", "Hello, we would like to book a room.");
        for (String detail : List.of("We would also like a projector.", "We will be 40 guests.", "On 12 June 2027.")) {
            String pending = check(booking);
            HttpResult reply = steps.say(booking, detail);

            assertThat(reply.json().get("step").asInt()).as(detail).isLessThanOrEqualTo(2);
            assertSuperseded(pending);
            assertThat(approve(pending).status()).as(detail).isEqualTo(409);
        }
    }

    private String check(Steps.Booking booking) {
        HttpResult check = server.post("/api/events/" + booking.eventId() + "/availability", WorkflowServer.MANAGER_A, "{}");
        assertThat(check.status()).as(check.toString()).isEqualTo(200);
        return check.text("taskId");
    }

    /** "Your offer is being prepared", drafted while the offer waited, is stale once the offer is sent. */
    @Test
    void aHoldingReplyIsClosedWhenTheOfferIsSent() {
        Steps.Booking booking = steps.toOffer("waiting@example.com");
        String holding = steps.say(booking, "Any news about our booking?").text("taskId");
        assertThat(steps.task(holding).get("kind").asText()).isEqualTo("REPLY");

        steps.approve(booking.taskId());

        assertSuperseded(holding);
        assertThat(approve(holding).status()).isEqualTo(409);
    }

    /** A cancelled booking leaves no open offer in the managers' queue (it stayed open for ever, approvable by no one). */
    @Test
    void aCancellationClosesThePendingOffer() {
        Steps.Booking booking = steps.toOffer("cancels@example.com");
        steps.say(booking, Steps.CANCEL);

        assertSuperseded(booking.taskId());
        assertThat(server.get("/api/tasks?status=open", WorkflowServer.MANAGER_A).json().get("tasks"))
                .noneMatch(task -> task.get("eventId").asText().equals(booking.eventId())
                        && !task.get("kind").asText().equals("REPLY"));
    }

    /**
     * A task an earlier version left open on a booking that has moved on (no task is left so now) is
     * refused by what it would do: an availability check once the offer is out, a deposit request
     * once the booking is closed.
     */
    @Test
    void aTaskLeftOpenOnABookingThatMovedOnIsRefused() {
        Steps.Booking booking = steps.toNegotiation("legacy@example.com");
        String check = leftOpen(booking, TaskKind.AVAILABILITY);
        assertThat(approve(check).status()).isEqualTo(409);
        steps.say(booking, Steps.CANCEL);
        String deposit = leftOpen(booking, TaskKind.DEPOSIT_REQUEST);

        HttpResult late = approve(deposit);

        assertThat(late.status()).isEqualTo(409);
        assertThat(late.json().get("detail").asText()).isEqualTo("No deposit is awaited for this booking.");
        assertThat(steps.task(deposit).get("status").asText()).isEqualTo("OPEN");
        assertThat(emailsTo("legacy@example.com")).extracting(OutboxEmail::subject)
                .containsOnlyOnce("Room availability for your event").doesNotContain("Deposit for your booking");
    }

    /**
     * A past date given to a check at the offer step is answered, not taken: the event keeps its date,
     * the unsent offer is withdrawn, and approving the reply prices no offer (one was priced for the
     * past date, and held the room on it).
     */
    @Test
    void aPastDateInACheckIsNotTakenOntoTheEvent() {
        Steps.Booking booking = steps.toOffer("past@example.com");
        HttpResult past = server.post("/api/events/" + booking.eventId() + "/availability", WorkflowServer.MANAGER_A,
                "{\"date\":\"2026-01-10\"}");
        assertThat(past.status()).isEqualTo(200);
        assertSuperseded(booking.taskId());

        HttpResult staleOffer = approve(booking.taskId());
        HttpResult reply = steps.approve(past.text("taskId"));

        assertThat(staleOffer.status()).isEqualTo(409);
        assertThat(reply.text("nextTaskId")).isNull();
        var event = steps.event(booking.eventId());
        assertThat(event.get("date").asText()).isEqualTo("2027-06-12");
        assertThat(event.get("status").asText()).isEqualTo("LEAD");
        assertThat(event.get("step").asInt()).isEqualTo(3);
        assertThat(offersTo("past@example.com")).isEmpty();
    }

    @Test
    void aDepositRequestIsClosedWhenTheBookingIsCancelledOrPaid() {
        for (String closer : List.of("cancel", "pay")) {
            String email = closer + "@example.com";
            Steps.Booking booking = steps.toNegotiation(email);
            String depositTask = steps.say(booking, Steps.ACCEPT).text("taskId");
            if (closer.equals("cancel")) {
                assertThat(steps.say(booking, Steps.CANCEL).text("status")).isEqualTo("CANCELLED");
            } else {
                assertThat(server.post("/api/events/" + booking.eventId() + "/deposit/paid", WorkflowServer.MANAGER_A,
                        "{}").status()).isEqualTo(200);
            }
            assertSuperseded(depositTask);

            HttpResult late = approve(depositTask);

            assertThat(late.status()).as(closer).isEqualTo(409);
            assertThat(emailsTo(email)).extracting(OutboxEmail::subject).as(closer)
                    .doesNotContain("Deposit for your booking");
        }
    }

    /**
     * A deposit reminder is a REPLY, but it is as stale as the deposit request once the deposit is paid
     * or the booking cancelled: approving it still on screen emailed "your booking is secured once the
     * deposit of ... has arrived" to a client who had paid (or cancelled). Review finding: REPLY tasks are
     * never closed nor checked.
     */
    @Test
    void aDepositReminderIsNotSentOnceTheBookingNoLongerAwaitsTheDeposit() {
        for (String closer : List.of("cancel", "pay")) {
            String email = "reminder-" + closer + "@example.com";
            Steps.Booking booking = steps.toNegotiation(email);
            steps.say(booking, Steps.ACCEPT);
            HttpResult asked = steps.say(booking, "Which bank account should we use?");
            String reminder = asked.text("taskId");
            assertThat(steps.task(reminder).get("kind").asText()).isEqualTo("REPLY");
            assertThat(steps.task(reminder).get("draft").asText()).contains("deposit");
            if (closer.equals("cancel")) {
                assertThat(steps.say(booking, Steps.CANCEL).text("status")).isEqualTo("CANCELLED");
            } else {
                assertThat(server.post("/api/events/" + booking.eventId() + "/deposit/paid", WorkflowServer.MANAGER_A,
                        "{}").status()).isEqualTo(200);
            }

            HttpResult late = approve(reminder);

            assertThat(late.status()).as(closer + ": " + late).isEqualTo(409);
            assertThat(emailsTo(email)).extracting(OutboxEmail::body).as(closer)
                    .noneMatch(body -> body.contains("secured once the deposit"));
        }
    }

    /** A client's new date while the manager reviews availability makes the pending check stale. */
    @Test
    void newDetailsFromTheClientCloseThePendingCheck() {
        Steps.Booking booking = steps.toAvailability("changes@example.com");
        HttpResult changed = steps.say(booking, "Could we move it to 18 September 2027 instead?");

        assertSuperseded(booking.taskId());
        assertThat(approve(booking.taskId()).status()).isEqualTo(409);
        assertThat(changed.text("taskId")).isNotEqualTo(booking.taskId());
        assertThat(steps.task(changed.text("taskId")).get("status").asText()).isEqualTo("OPEN");
    }

    /** A task of this kind stored open, as an earlier version could leave one. */
    private String leftOpen(Steps.Booking booking, TaskKind kind) {
        String id = Ids.newId();
        server.store().inTeam(A, tx -> {
            tx.insertTask(new HilTask(id, booking.eventId(), booking.conversationId(), kind, TaskStatus.OPEN,
                    "A stale draft.", server.clock().instant(), null, null));
            return null;
        });
        return id;
    }

    private void assertSuperseded(String taskId) {
        var task = steps.task(taskId);
        assertThat(task.get("status").asText()).isEqualTo("REJECTED");
        assertThat(task.get("decidedBy").asText()).isEqualTo("superseded");
    }

    private HttpResult approve(String taskId) {
        return server.post("/api/tasks/" + taskId + "/approve", WorkflowServer.MANAGER_A, "{}");
    }

    private List<String> offersTo(String address) {
        return emailsTo(address).stream().filter(m -> m.subject().equals("Your offer")).map(OutboxEmail::body).toList();
    }

    private List<OutboxEmail> emailsTo(String address) {
        return server.store().inTeam(A, tx -> tx.dueEmails(server.clock().instant().plusSeconds(3600), 1000))
                .stream().filter(e -> e.recipient().equals(address)).toList();
    }
}
