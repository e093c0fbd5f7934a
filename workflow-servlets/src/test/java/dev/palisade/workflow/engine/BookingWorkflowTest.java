package dev.palisade.workflow.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.workflow.analysis.Analysis;
import dev.palisade.workflow.analysis.Intent;
import dev.palisade.workflow.analysis.MessageAnalyzer;
import dev.palisade.workflow.domain.Deposit;
import dev.palisade.workflow.domain.DepositStatus;
import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.EventStatus;
import dev.palisade.workflow.domain.HilTask;
import dev.palisade.workflow.domain.Offer;
import dev.palisade.workflow.domain.OfferStatus;
import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.domain.Step;
import dev.palisade.workflow.domain.TaskKind;
import dev.palisade.workflow.domain.TaskStatus;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.session.ConversationCache;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.TeamStore;
import dev.palisade.workflow.testing.StoreBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The workflow's transitions on a real store. The analyser is an input here: each message is mapped
 * to the analysis the test wants, so the steps are tested apart from the rules' vocabulary.
 */
@ParameterizedClass
@EnumSource(StoreBackend.class)
class BookingWorkflowTest {
    private static final Team A = new Team("team-a");
    private static final Instant NOW = Instant.parse("2027-03-01T09:00:00Z");
    private static final LocalDate JUNE_12 = LocalDate.of(2027, 6, 12);

    @Parameter
    StoreBackend backend;

    @TempDir
    Path dir;
    private Store store;
    private BookingWorkflow workflow;
    private final Map<String, Analysis> analyses = new HashMap<>();

    @BeforeEach
    void open() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        store = backend.open(dir, clock);
        MessageAnalyzer analyzer = (message, today) -> analyses.getOrDefault(message,
                new Analysis(Intent.OTHER, null, null, List.of(), "test"));
        workflow = new BookingWorkflow(store, analyzer, clock,
                new ConversationCache(store, ConversationCache.Settings.defaults()), WorkflowSettings.defaults());
        analyses.put("enquiry", new Analysis(Intent.ENQUIRY, JUNE_12, 40, List.of("projector"), "test"));
        analyses.put("no date", new Analysis(Intent.ENQUIRY, null, null, List.of(), "test"));
        analyses.put("june 12", new Analysis(Intent.ENQUIRY, JUNE_12, null, List.of(), "test"));
        analyses.put("40 guests", new Analysis(Intent.ENQUIRY, null, 40, List.of(), "test"));
        analyses.put("confirm", new Analysis(Intent.CONFIRM, null, null, List.of(), "test"));
        analyses.put("last year", new Analysis(Intent.ENQUIRY, LocalDate.of(2026, 6, 12), 40, List.of(), "test"));
        analyses.put("huge party", new Analysis(Intent.ENQUIRY, JUNE_12, 500, List.of(), "test"));
        analyses.put("accept", new Analysis(Intent.ACCEPT, null, null, List.of(), "test"));
        analyses.put("cancel", new Analysis(Intent.CANCEL, null, null, List.of(), "test"));
        analyses.put("decline", new Analysis(Intent.DECLINE, null, null, List.of(), "test"));
        analyses.put("question", new Analysis(Intent.QUESTION, null, null, List.of(), "test"));
    }

    @AfterEach
    void close() {
        // Null when the backend was skipped in open(): the skip must stay a skip.
        if (store != null) {
            store.close();
        }
    }

    private Event event(String id) {
        return store.inTeam(A, tx -> tx.event(id)).orElseThrow();
    }

    private HilTask task(String id) {
        return store.inTeam(A, tx -> tx.task(id)).orElseThrow();
    }

    private List<OutboxEmail> outbox() {
        return store.inTeam(A, tx -> tx.dueEmails(NOW.plusSeconds(60), 1000));
    }

    /** An enquiry taken to a sent offer (step 5, the room held as an option); returns the offer's page id. */
    private String toNegotiation(Outcomes.Started started) {
        workflow.approve(A, started.taskId(), "m", null);
        Outcomes.Handled check = workflow.sendMessage(A, started.conversationId(), "confirm");
        assertThat(check.step()).isEqualTo(Step.ROOM_AVAILABILITY);
        Outcomes.Decided offered = workflow.approve(A, check.taskId(), "m", null);
        assertThat(offered.step()).isEqualTo(Step.OFFER);
        assertThat(task(offered.nextTaskId()).kind()).isEqualTo(TaskKind.OFFER);
        Offer draft = store.inTeam(A, (TeamStore tx) -> tx.currentOffer(started.eventId())).orElseThrow();
        assertThat(draft.status()).isEqualTo(OfferStatus.DRAFT);
        assertThat(store.snapshot(draft.snapshotId(), NOW)).isPresent();
        Outcomes.Decided sent = workflow.approve(A, offered.nextTaskId(), "m", null);
        assertThat(sent.eventStatus()).isEqualTo(EventStatus.OPTION);
        assertThat(sent.step()).isEqualTo(Step.NEGOTIATION);
        assertThat(store.inTeam(A, (TeamStore tx) -> tx.roomsTakenOn(JUNE_12, null))).containsExactly("loft");
        return draft.snapshotId();
    }

    @Test
    void walksABookingFromEnquiryToConfirmation() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "enquiry");
        assertThat(started.step()).isEqualTo(Step.DATE_CONFIRMATION);
        String offerPage = toNegotiation(started);

        Outcomes.Handled accepted = workflow.sendMessage(A, started.conversationId(), "accept");
        assertThat(accepted.step()).isEqualTo(Step.DEPOSIT);
        assertThat(task(accepted.taskId()).kind()).isEqualTo(TaskKind.DEPOSIT_REQUEST);
        workflow.approve(A, accepted.taskId(), "m", null);
        Offer offer = store.inTeam(A, (TeamStore tx) -> tx.currentOffer(started.eventId())).orElseThrow();
        Deposit deposit = store.inTeam(A, (TeamStore tx) -> tx.depositForEvent(started.eventId())).orElseThrow();
        assertThat(offer.status()).isEqualTo(OfferStatus.ACCEPTED);
        assertThat(deposit.status()).isEqualTo(DepositStatus.REQUESTED);
        assertThat(deposit.amountCents()).isPositive().isLessThan(offer.totalCents());

        Outcomes.DepositPaid paid = workflow.markDepositPaid(A, started.eventId());
        assertThat(paid.status()).isEqualTo(EventStatus.CONFIRMED);
        assertThat(task(paid.taskId()).kind()).isEqualTo(TaskKind.CONFIRMATION);
        workflow.approve(A, paid.taskId(), "m", null);

        Event confirmed = event(started.eventId());
        assertThat(confirmed.status()).isEqualTo(EventStatus.CONFIRMED);
        assertThat(confirmed.step()).isEqualTo(Step.CONFIRMATION);
        assertThat(confirmed.roomId()).isEqualTo("loft");
        assertThat(store.inTeam(A, (TeamStore tx) -> tx.depositForEvent(started.eventId())).orElseThrow().status())
                .isEqualTo(DepositStatus.PAID);
        assertThat(store.snapshot(offerPage, NOW)).isEmpty();
        assertThat(store.inTeam(A, (TeamStore tx) -> tx.deleteSnapshotsOfEvent(started.eventId()))).as("pages deleted").isZero();
        assertThat(store.inTeam(A, (TeamStore tx) -> tx.roomsTakenOn(JUNE_12, null))).containsExactly("loft");
        // One email to the client per approved task: reply, availability, offer, deposit request, confirmation.
        assertThat(outbox()).hasSize(5).allSatisfy(email -> assertThat(email.recipient()).isEqualTo("a@example.com"));
        assertThat(store.teamsWithDueEmail(NOW.plusSeconds(60))).containsExactly(A);
        assertThatThrownBy(() -> workflow.markDepositPaid(A, started.eventId()))
                .isInstanceOf(StateConflictException.class);
    }

    @Test
    void declineAfterTheOfferClosesTheEventReleasesTheRoomAndDeletesItsPages() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "enquiry");
        String offerPage = toNegotiation(started);

        Outcomes.Handled declined = workflow.sendMessage(A, started.conversationId(), "decline");
        assertThat(declined.status()).isEqualTo(EventStatus.DECLINED);
        assertThat(task(declined.taskId()).kind()).isEqualTo(TaskKind.REPLY);
        assertThat(event(started.eventId()).status()).isEqualTo(EventStatus.DECLINED);
        assertThat(store.inTeam(A, (TeamStore tx) -> tx.currentOffer(started.eventId()))).get()
                .extracting(Offer::status).isEqualTo(OfferStatus.DECLINED);
        assertThat(store.snapshot(offerPage, NOW)).isEmpty();
        assertThat(store.inTeam(A, (TeamStore tx) -> tx.roomsTakenOn(JUNE_12, null))).isEmpty();
        assertThat(workflow.sendMessage(A, started.conversationId(), "enquiry").reply()).contains("closed");
    }

    @Test
    void cancellationAfterTheOfferWithdrawsItAndReleasesTheRoom() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "enquiry");
        String offerPage = toNegotiation(started);

        Outcomes.Handled cancelled = workflow.sendMessage(A, started.conversationId(), "cancel");
        assertThat(cancelled.status()).isEqualTo(EventStatus.CANCELLED);
        assertThat(store.inTeam(A, (TeamStore tx) -> tx.currentOffer(started.eventId()))).as("withdrawn, so not current").isEmpty();
        assertThat(store.snapshot(offerPage, NOW)).isEmpty();
        assertThat(store.inTeam(A, (TeamStore tx) -> tx.roomsTakenOn(JUNE_12, null))).isEmpty();

        // The loft is free again for the next party.
        Outcomes.Started next = workflow.startConversation(A, "b@example.com", "Bo", "enquiry");
        Outcomes.Handled check = workflow.sendMessage(A, next.conversationId(), "confirm");
        assertThat(check.step()).isEqualTo(Step.ROOM_AVAILABILITY);
        assertThat(event(next.eventId()).roomId()).isEqualTo("loft");
    }

    @Test
    void asksForDateAndGuestsWhenTheFirstMessageHasNeither() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "no date");
        assertThat(started.step()).isEqualTo(Step.INTAKE);
        assertThat(started.reply()).contains("date").contains("number of guests");
        assertThat(task(started.taskId()).kind()).isEqualTo(TaskKind.REPLY);
        assertThat(event(started.eventId()).status()).isEqualTo(EventStatus.LEAD);
    }

    @Test
    void collectsDetailsOverSeveralMessagesThenChecksRooms() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "no date");
        Outcomes.Handled dated = workflow.sendMessage(A, started.conversationId(), "june 12");
        assertThat(dated.step()).isEqualTo(Step.DATE_CONFIRMATION);
        Outcomes.Handled confirmed = workflow.sendMessage(A, started.conversationId(), "confirm");
        assertThat(confirmed.step()).as("confirmed, but the guest count is missing").isEqualTo(Step.DATE_CONFIRMATION);
        assertThat(confirmed.reply()).contains("How many guests");
        assertThat(event(started.eventId()).dateConfirmed()).isTrue();
        Outcomes.Handled counted = workflow.sendMessage(A, started.conversationId(), "40 guests");
        assertThat(counted.step()).isEqualTo(Step.ROOM_AVAILABILITY);
        assertThat(task(counted.taskId()).kind()).isEqualTo(TaskKind.AVAILABILITY);
    }

    @Test
    void aNewDateWhileRoomsAreCheckedChecksAgain() {
        analyses.put("june 19", new Analysis(Intent.ENQUIRY, JUNE_12.plusWeeks(1), null, List.of(), "test"));
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "enquiry");
        workflow.sendMessage(A, started.conversationId(), "confirm");
        Outcomes.Handled moved = workflow.sendMessage(A, started.conversationId(), "june 19");
        assertThat(moved.step()).isEqualTo(Step.ROOM_AVAILABILITY);
        assertThat(task(moved.taskId()).kind()).isEqualTo(TaskKind.AVAILABILITY);
        assertThat(moved.reply()).contains("19 June 2027");
        assertThat(event(started.eventId()).date()).isEqualTo(JUNE_12.plusWeeks(1));
        assertThat(event(started.eventId()).dateConfirmed()).isTrue();

        Outcomes.Handled past = workflow.sendMessage(A, started.conversationId(), "last year");
        assertThat(task(past.taskId()).kind()).isEqualTo(TaskKind.REPLY);
        assertThat(past.reply()).contains("already passed");
        assertThat(event(started.eventId()).date()).isEqualTo(JUNE_12.plusWeeks(1));

        Outcomes.Handled asked = workflow.sendMessage(A, started.conversationId(), "question");
        assertThat(task(asked.taskId()).kind()).isEqualTo(TaskKind.REPLY);
        assertThat(asked.step()).isEqualTo(Step.ROOM_AVAILABILITY);
    }

    @Test
    void refusesADateInThePast() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "last year");
        assertThat(started.step()).isEqualTo(Step.INTAKE);
        assertThat(started.reply()).contains("already passed");
        assertThat(event(started.eventId()).date()).isNull();
    }

    @Test
    void anAvailabilityCheckWithNoFittingRoomStillDraftsAReplyAndATask() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "huge party");
        Outcomes.Availability result = workflow.checkAvailability(A, started.eventId(), AvailabilityOptions.none());
        assertThat(result.rooms()).isEmpty();
        assertThat(result.snapshotId()).isNull();
        assertThat(result.reply()).contains("none of our rooms").contains("another date");
        assertThat(task(result.taskId()).kind()).isEqualTo(TaskKind.AVAILABILITY);
        assertThat(task(result.taskId()).status()).isEqualTo(TaskStatus.OPEN);

        Outcomes.Decided decided = workflow.approve(A, result.taskId(), "manager@team-a", null);
        assertThat(decided.nextTaskId()).as("nothing to offer").isNull();
        assertThat(decided.step()).isEqualTo(Step.ROOM_AVAILABILITY);
    }

    @Test
    void anAvailabilityCheckWithoutDetailsAsksForThem() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "no date");
        Outcomes.Availability result = workflow.checkAvailability(A, started.eventId(), AvailabilityOptions.none());
        assertThat(result.reply()).contains("date").contains("guests");
        assertThat(task(result.taskId()).kind()).isEqualTo(TaskKind.AVAILABILITY);
    }

    @Test
    void managerOptionsOverrideTheEventsDetails() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "no date");
        Outcomes.Availability result = workflow.checkAvailability(A, started.eventId(),
                new AvailabilityOptions(JUNE_12, 10, List.of("projector")));
        assertThat(result.rooms()).first().isEqualTo("boardroom");
        Event event = event(started.eventId());
        assertThat(event.guests()).isEqualTo(10);
        assertThat(event.roomId()).isEqualTo("boardroom");
    }

    @Test
    void aRoomTakenBeforeTheOfferIsSentIsAConflictAndChangesNothing() {
        Outcomes.Started first = workflow.startConversation(A, "a@example.com", "Ada", "enquiry");
        Outcomes.Started second = workflow.startConversation(A, "b@example.com", "Bo", "enquiry");
        Outcomes.Handled firstCheck = workflow.sendMessage(A, first.conversationId(), "confirm");
        Outcomes.Handled secondCheck = workflow.sendMessage(A, second.conversationId(), "confirm");
        // Both were proposed the loft: nobody held it yet.
        assertThat(event(first.eventId()).roomId()).isEqualTo("loft");
        assertThat(event(second.eventId()).roomId()).isEqualTo("loft");
        String firstOffer = workflow.approve(A, firstCheck.taskId(), "m", null).nextTaskId();
        String secondOffer = workflow.approve(A, secondCheck.taskId(), "m", null).nextTaskId();
        workflow.approve(A, firstOffer, "m", null);
        assertThat(event(first.eventId()).status()).isEqualTo(EventStatus.OPTION);
        int emailsBefore = outbox().size();

        assertThatThrownBy(() -> workflow.approve(A, secondOffer, "m", null))
                .isInstanceOf(StateConflictException.class);
        assertThat(task(secondOffer).status()).as("rolled back: still open").isEqualTo(TaskStatus.OPEN);
        assertThat(outbox()).as("nothing queued").hasSize(emailsBefore);
        assertThat(event(second.eventId()).status()).isEqualTo(EventStatus.LEAD);
    }

    @Test
    void aNewerAvailabilityApprovalWithdrawsTheDraftOffer() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "enquiry");
        Outcomes.Handled check = workflow.sendMessage(A, started.conversationId(), "confirm");
        workflow.approve(A, check.taskId(), "m", null);
        String oldOffer = store.inTeam(A, tx -> tx.currentOffer(started.eventId())).orElseThrow().id();
        Outcomes.Availability again = workflow.checkAvailability(A, started.eventId(),
                new AvailabilityOptions(null, 10, null));
        workflow.approve(A, again.taskId(), "m", null);
        var current = store.inTeam(A, tx -> tx.currentOffer(started.eventId())).orElseThrow();
        assertThat(current.id()).isNotEqualTo(oldOffer);
        assertThat(current.status()).isEqualTo(OfferStatus.DRAFT);
    }

    @Test
    void availabilityIsAConflictOnceTheOfferIsOut() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "enquiry");
        Outcomes.Handled check = workflow.sendMessage(A, started.conversationId(), "confirm");
        workflow.approve(A, workflow.approve(A, check.taskId(), "m", null).nextTaskId(), "m", null);
        assertThatThrownBy(() -> workflow.checkAvailability(A, started.eventId(), AvailabilityOptions.none()))
                .isInstanceOf(StateConflictException.class);
    }

    @Test
    void aQuestionDuringNegotiationDraftsAReplyForTheManager() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "enquiry");
        Outcomes.Handled check = workflow.sendMessage(A, started.conversationId(), "confirm");
        workflow.approve(A, workflow.approve(A, check.taskId(), "m", null).nextTaskId(), "m", null);
        Outcomes.Handled asked = workflow.sendMessage(A, started.conversationId(), "question");
        assertThat(asked.step()).isEqualTo(Step.NEGOTIATION);
        assertThat(task(asked.taskId()).kind()).isEqualTo(TaskKind.REPLY);
    }

    @Test
    void cancelBeforeAnOfferCancelsTheLead() {
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "enquiry");
        Outcomes.Handled cancelled = workflow.sendMessage(A, started.conversationId(), "cancel");
        assertThat(cancelled.status()).isEqualTo(EventStatus.CANCELLED);
        Outcomes.Handled after = workflow.sendMessage(A, started.conversationId(), "enquiry");
        assertThat(after.status()).isEqualTo(EventStatus.CANCELLED);
        assertThat(after.reply()).contains("cancelled");
    }

    @Test
    void anUnknownConversationIsNotAnalysedNorFound() {
        analyses.clear();
        MessageAnalyzer failing = (message, today) -> {
            throw new AssertionError("analysed a message of an unknown conversation");
        };
        BookingWorkflow strict = new BookingWorkflow(store, failing, Clock.fixed(NOW, ZoneOffset.UTC),
                new ConversationCache(store, ConversationCache.Settings.defaults()), WorkflowSettings.defaults());
        assertThatThrownBy(() -> strict.sendMessage(A, "00000000-0000-0000-0000-000000000000", "hello"))
                .isInstanceOf(UnknownResourceException.class);
    }

    @Test
    void queuesAHilNoticePerTaskWhenConfigured() {
        store.inTeam(A, tx -> {
            tx.setHilEmail("desk@venue.example");
            return null;
        });
        Outcomes.Started started = workflow.startConversation(A, "a@example.com", "Ada", "enquiry");
        workflow.sendMessage(A, started.conversationId(), "confirm");
        assertThat(outbox()).filteredOn(e -> e.recipient().equals("desk@venue.example")).hasSize(2)
                .allSatisfy(e -> assertThat(e.body()).doesNotContain("enquiry").doesNotContain("a@example.com"));
    }
}
