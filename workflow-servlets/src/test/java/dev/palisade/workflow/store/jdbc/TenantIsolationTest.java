package dev.palisade.workflow.store.jdbc;

import static dev.palisade.workflow.store.jdbc.StoreTestSupport.T0;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_A;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_B;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.heldEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.workflow.domain.Client;
import dev.palisade.workflow.domain.Conversation;
import dev.palisade.workflow.domain.Deposit;
import dev.palisade.workflow.domain.DepositStatus;
import dev.palisade.workflow.domain.Direction;
import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.EventStatus;
import dev.palisade.workflow.domain.HilTask;
import dev.palisade.workflow.domain.Ids;
import dev.palisade.workflow.domain.Message;
import dev.palisade.workflow.domain.Offer;
import dev.palisade.workflow.domain.OfferStatus;
import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.domain.Snapshot;
import dev.palisade.workflow.domain.SnapshotType;
import dev.palisade.workflow.domain.Step;
import dev.palisade.workflow.domain.TaskKind;
import dev.palisade.workflow.domain.TaskStatus;
import dev.palisade.workflow.domain.Upload;
import dev.palisade.workflow.store.StoreException;
import dev.palisade.workflow.store.TeamStore;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Team B holds ids of every kind of team A row and must see each of them as unknown: no read, update,
 * decision, mark, list or count reaches them, and no new row of B can reference them.
 */
class TenantIsolationTest extends OnBothDatabases {

    private static final LocalDate DATE = LocalDate.of(2026, 9, 19);
    private static final Instant LATER = T0.plus(Duration.ofHours(1));

    private Client client;
    private Event event;
    private Conversation conversation;
    private Message message;
    private Offer offer;
    private Deposit deposit;
    private HilTask task;
    private Snapshot snapshot;
    private OutboxEmail email;
    private Upload upload;

    @BeforeEach
    void teamAHasOneOfEverything() {
        store.inTeam(TEAM_A, (TeamStore a) -> {
            a.rooms();
            event = heldEvent(a, "ada@example.com", DATE, "loft", EventStatus.OPTION, T0);
            client = a.client(event.clientId()).orElseThrow();
            conversation = a.createConversation(client.id(), event.id(), T0);
            message = a.addMessage(conversation.id(), Direction.INBOUND, "We would like the loft", T0);
            offer = new Offer(Ids.newId(), event.id(), "loft", 280_000L, "EUR", OfferStatus.SENT, null, T0);
            a.insertOffer(offer);
            deposit = new Deposit(Ids.newId(), event.id(), 84_000L, "EUR", DepositStatus.REQUESTED, T0, null);
            a.insertDeposit(deposit);
            task = new HilTask(Ids.newId(), event.id(), conversation.id(), TaskKind.OFFER, TaskStatus.OPEN, "draft",
                    T0, null, null);
            a.insertTask(task);
            snapshot = a.createSnapshot(event.id(), SnapshotType.OFFER, "{\"room\":\"loft\"}", T0);
            email = a.enqueueEmail("ada@example.com", "Your offer", "body", T0);
            upload = new Upload(Ids.newId(), "stored.pdf", "plan.pdf", "application/pdf", 10L, "cd".repeat(32), T0);
            a.insertUpload(upload);
            a.setHilEmail("team-a@venue.example");
            return null;
        });
    }

    @Test
    void anotherTeamReadsNothingOfTeamA() {
        store.inTeam(TEAM_B, (TeamStore b) -> {
            assertThat(b.team()).isEqualTo(TEAM_B);
            assertThat(b.client(client.id())).isEmpty();
            assertThat(b.conversation(conversation.id())).isEmpty();
            assertThat(b.conversationOfEvent(event.id())).isEmpty();
            assertThat(b.messages(conversation.id(), 100)).isEmpty();
            assertThat(b.event(event.id())).isEmpty();
            assertThat(b.events(100)).isEmpty();
            assertThat(b.roomsTakenOn(DATE, null)).isEmpty();
            assertThat(b.currentOffer(event.id())).isEmpty();
            assertThat(b.depositForEvent(event.id())).isEmpty();
            assertThat(b.task(task.id())).isEmpty();
            assertThat(b.tasks(null, 100)).isEmpty();
            assertThat(b.tasks(TaskStatus.OPEN, 100)).isEmpty();
            assertThat(b.dueEmails(LATER, 100)).isEmpty();
            assertThat(b.outboxDepth()).isZero();
            assertThat(b.upload(upload.id())).isEmpty();
            assertThat(b.hilEmail()).isEmpty();
            return null;
        });
    }

    @Test
    void anotherTeamChangesNothingOfTeamA() {
        store.inTeam(TEAM_B, (TeamStore b) -> {
            assertThat(b.updateEvent(event.withStatus(EventStatus.CANCELLED, LATER))).isFalse();
            assertThat(b.updateOffer(offer.withStatus(OfferStatus.WITHDRAWN))).isFalse();
            assertThat(b.updateDeposit(deposit.paid(LATER))).isFalse();
            assertThat(b.decideTask(task.decided(TaskStatus.APPROVED, "intruder", LATER))).isFalse();
            assertThat(b.markEmailSent(email.id(), LATER)).isFalse();
            b.markEmailRetry(email.id(), 7, LATER.plus(Duration.ofDays(30)));
            assertThat(b.deleteSnapshotsOfEvent(event.id())).isZero();
            b.setHilEmail("team-b@venue.example");
            return null;
        });

        store.inTeam(TEAM_A, (TeamStore a) -> {
            assertThat(a.event(event.id())).contains(event);
            assertThat(a.currentOffer(event.id())).contains(offer);
            assertThat(a.depositForEvent(event.id())).contains(deposit);
            assertThat(a.task(task.id())).contains(task);
            assertThat(a.dueEmails(LATER, 10)).containsExactly(email);
            assertThat(a.outboxDepth()).isOne();
            assertThat(a.hilEmail()).contains("team-a@venue.example");
            assertThat(a.messages(conversation.id(), 10)).containsExactly(message);
            assertThat(a.roomsTakenOn(DATE, null)).containsExactly("loft");
            return null;
        });
        assertThat(store.snapshot(snapshot.id(), LATER)).contains(snapshot);
    }

    @Test
    void anotherTeamCannotReferenceTeamARows() {
        assertRefused(b -> b.createConversation(client.id(), null, LATER));
        assertRefused(b -> {
            Client own = b.findOrCreateClient("bob@example.com", "Bob", LATER);
            return b.createConversation(own.id(), event.id(), LATER);
        });
        assertRefused(b -> b.addMessage(conversation.id(), Direction.INBOUND, "hello", LATER));
        assertRefused(b -> {
            b.insertEvent(new Event(Ids.newId(), client.id(), EventStatus.LEAD, Step.INTAKE, null, false, null,
                    List.of(), null, LATER, LATER));
            return null;
        });
        assertRefused(b -> {
            b.insertOffer(new Offer(Ids.newId(), event.id(), "loft", 1L, "EUR", OfferStatus.DRAFT, null, LATER));
            return null;
        });
        assertRefused(b -> {
            b.insertDeposit(new Deposit(Ids.newId(), event.id(), 1L, "EUR", DepositStatus.REQUESTED, LATER, null));
            return null;
        });
        assertRefused(b -> {
            b.insertTask(new HilTask(Ids.newId(), event.id(), null, TaskKind.REPLY, TaskStatus.OPEN, "x", LATER, null,
                    null));
            return null;
        });
        assertRefused(b -> b.createSnapshot(event.id(), SnapshotType.ROOMS, "{}", LATER));

        assertThat(store.inTeam(TEAM_B, (TeamStore b) -> b.events(10))).isEmpty();
    }

    @Test
    void sameEmailIsADifferentClientInAnotherTeam() {
        Client b = store.inTeam(TEAM_B, (TeamStore s) -> s.findOrCreateClient("ADA@example.com", "Ada B", LATER));
        assertThat(b.id()).isNotEqualTo(client.id());
        assertThat(b.name()).isEqualTo("Ada B");
    }

    @Test
    void sameRowIdInAnotherTeamIsAnotherRow() {
        Upload copy = new Upload(upload.id(), "other.png", "x.png", "image/png", 5L, "ef".repeat(32), LATER);
        store.inTeam(TEAM_B, (TeamStore b) -> {
            b.insertUpload(copy);
            return null;
        });
        assertThat(store.inTeam(TEAM_A, (TeamStore a) -> a.upload(upload.id()))).contains(upload);
        assertThat(store.inTeam(TEAM_B, (TeamStore b) -> b.upload(upload.id()))).contains(copy);
    }

    @Test
    void eachTeamGetsItsOwnRoomCatalogueAndBookings() {
        store.inTeam(TEAM_B, (TeamStore b) -> heldEvent(b, "bob@example.com", DATE, "atrium", EventStatus.CONFIRMED,
                LATER));
        assertThat(store.inTeam(TEAM_B, (TeamStore b) -> b.rooms())).isEqualTo(
                store.inTeam(TEAM_A, (TeamStore a) -> a.rooms()));
        assertThat(store.inTeam(TEAM_A, (TeamStore a) -> a.roomsTakenOn(DATE, null))).containsExactly("loft");
        assertThat(store.inTeam(TEAM_B, (TeamStore b) -> b.roomsTakenOn(DATE, null))).containsExactly("atrium");
    }

    @Test
    void dueEmailIsReportedForItsOwnTeamOnly() {
        assertThat(store.teamsWithDueEmail(LATER)).containsExactly(TEAM_A);
    }

    private void assertRefused(java.util.function.Function<TeamStore, Object> work) {
        assertThatThrownBy(() -> store.inTeam(TEAM_B, work::apply)).isInstanceOf(StoreException.class);
    }
}
