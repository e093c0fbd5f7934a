package dev.palisade.workflow.store.jdbc;

import static dev.palisade.workflow.store.jdbc.StoreTestSupport.T0;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_A;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.heldEvent;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.newEvent;
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
import dev.palisade.workflow.domain.Room;
import dev.palisade.workflow.domain.Snapshot;
import dev.palisade.workflow.domain.SnapshotType;
import dev.palisade.workflow.domain.Step;
import dev.palisade.workflow.domain.TaskKind;
import dev.palisade.workflow.domain.TaskStatus;
import dev.palisade.workflow.domain.Upload;
import dev.palisade.workflow.store.StoreException;
import dev.palisade.workflow.store.TeamStore;
import dev.palisade.workflow.testing.StoreBackend;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TeamStoreRoundTripTest extends OnBothDatabases {

    @Test
    void findsClientsByEmailCaseInsensitivelyAndKeepsTheFirstName() {
        Client created = store.inTeam(TEAM_A, (TeamStore s) -> s.findOrCreateClient("Ada.Lovelace@Example.COM", "Ada", T0));
        Client again = store.inTeam(TEAM_A,
                s -> s.findOrCreateClient(" ada.lovelace@example.com ", "Someone Else", T0.plusSeconds(5)));

        assertThat(created.email()).isEqualTo("ada.lovelace@example.com");
        assertThat(again).isEqualTo(created);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.client(created.id()))).contains(
                new Client(created.id(), "ada.lovelace@example.com", "Ada", T0));
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.client("no-such-client"))).isEmpty();
    }

    @Test
    void createsClientWithoutName() {
        Client client = store.inTeam(TEAM_A, (TeamStore s) -> s.findOrCreateClient("nameless@example.com", null, T0));
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.client(client.id())).orElseThrow().name()).isNull();
    }

    @Test
    void storesConversationsAndReturnsTheNewestMessagesOldestFirst() {
        Event event = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "c@example.com", T0));
        Conversation conversation = store.inTeam(TEAM_A,
                s -> s.createConversation(event.clientId(), event.id(), T0));
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.conversation(conversation.id()))).contains(conversation);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.conversationOfEvent(event.id()))).contains(conversation);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.conversationOfEvent("no-such-event"))).isEmpty();

        List<Message> added = store.inTeam(TEAM_A, (TeamStore s) -> List.of(
                s.addMessage(conversation.id(), Direction.INBOUND, "first", T0),
                // Same instant as the first: insertion order breaks the tie.
                s.addMessage(conversation.id(), Direction.OUTBOUND, "second", T0),
                s.addMessage(conversation.id(), Direction.INBOUND, "third", T0.plusSeconds(1))));

        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.messages(conversation.id(), 10))).containsExactlyElementsOf(added);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.messages(conversation.id(), 2)))
                .extracting(Message::body).containsExactly("second", "third");
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.messages("unknown", 10))).isEmpty();
    }

    @Test
    void writesEventsWholeAndListsThemNewestFirst() {
        Event first = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "a@example.com", T0));
        Event second = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "b@example.com", T0.plusSeconds(60)));
        Event changed = first.withDetails(LocalDate.of(2026, 6, 12), true, 85, List.of("stage", "bar"), T0.plusSeconds(90))
                .withRoom("loft", T0.plusSeconds(90))
                .withStep(Step.OFFER, T0.plusSeconds(90))
                .withStatus(EventStatus.OPTION, T0.plusSeconds(90));

        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.updateEvent(changed))).isTrue();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.event(first.id()))).contains(changed);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.events(10))).containsExactly(second, changed);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.events(1))).containsExactly(second);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.event("unknown"))).isEmpty();

        Event unknown = new Event("unknown", first.clientId(), EventStatus.LEAD, Step.INTAKE, null, false, null,
                List.of(), null, T0, T0);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.updateEvent(unknown))).isFalse();
    }

    @Test
    void refusesAnEventOfAnUnknownClient() {
        Event orphan = new Event(Ids.newId(), "no-such-client", EventStatus.LEAD, Step.INTAKE, null, false, null,
                List.of(), null, T0, T0);
        assertThatThrownBy(() -> store.inTeam(TEAM_A, (TeamStore s) -> {
            s.insertEvent(orphan);
            return null;
        })).isInstanceOf(StoreException.class);
    }

    @Test
    void seedsTheDefaultRoomCatalogueOnceSmallestFirst() {
        List<Room> rooms = store.inTeam(TEAM_A, (TeamStore s) -> s.rooms());
        List<Room> again = store.inTeam(TEAM_A, (TeamStore s) -> s.rooms());

        assertThat(rooms).hasSizeBetween(4, 6).isEqualTo(again);
        assertThat(rooms).extracting(Room::capacity).isSorted().allSatisfy(c -> assertThat(c).isBetween(12, 150));
        assertThat(rooms).extracting(Room::capacity).contains(12, 150);
        assertThat(rooms).flatExtracting(Room::features)
                .contains("projector", "terrace", "stage", "bar", "dance-floor", "accessible", "daylight");
        assertThat(rooms).containsExactlyInAnyOrderElementsOf(DefaultRoomCatalogue.ROOMS);
        assertThat(rooms.get(0).features()).isEqualTo(Set.of("projector", "daylight", "accessible"));
    }

    @Test
    void listsRoomsHeldOnADateByOptionsAndConfirmedEventsOnly() {
        LocalDate date = LocalDate.of(2026, 7, 4);
        Event option = store.inTeam(TEAM_A, (TeamStore s) -> heldEvent(s, "o@example.com", date, "loft", EventStatus.OPTION, T0));
        store.inTeam(TEAM_A, (TeamStore s) -> heldEvent(s, "c@example.com", date, "atrium", EventStatus.CONFIRMED, T0));
        store.inTeam(TEAM_A, (TeamStore s) -> heldEvent(s, "l@example.com", date, "library", EventStatus.LEAD, T0));
        store.inTeam(TEAM_A, (TeamStore s) -> heldEvent(s, "x@example.com", date, "ballroom", EventStatus.CANCELLED, T0));
        store.inTeam(TEAM_A, (TeamStore s) -> heldEvent(s, "d@example.com", date, "boardroom", EventStatus.DECLINED, T0));
        store.inTeam(TEAM_A, (TeamStore s) -> heldEvent(s, "n@example.com", date.plusDays(1), "garden-terrace",
                EventStatus.CONFIRMED, T0));

        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.roomsTakenOn(date, null))).containsExactly("atrium", "loft");
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.roomsTakenOn(date, option.id()))).containsExactly("atrium");
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.roomsTakenOn(date.minusDays(1), null))).isEmpty();
    }

    @Test
    void keepsOffersAndReturnsTheNewestThatIsNotWithdrawn() {
        Event event = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "o@example.com", T0));
        Offer older = new Offer(Ids.newId(), event.id(), "loft", 280_000L, "EUR", OfferStatus.SENT, "snap1", T0);
        Offer newer = new Offer(Ids.newId(), event.id(), "atrium", 180_000L, "EUR", OfferStatus.DRAFT, null,
                T0.plusSeconds(10));
        store.inTeam(TEAM_A, (TeamStore s) -> {
            s.insertOffer(older);
            s.insertOffer(newer);
            return null;
        });
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.currentOffer(event.id()))).contains(newer);

        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.updateOffer(newer.withStatus(OfferStatus.WITHDRAWN)))).isTrue();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.currentOffer(event.id()))).contains(older);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.updateOffer(older.withStatus(OfferStatus.ACCEPTED)))).isTrue();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.currentOffer(event.id()))).contains(older.withStatus(OfferStatus.ACCEPTED));
        Offer unknown = new Offer("unknown", event.id(), "loft", 1L, "EUR", OfferStatus.SENT, null, T0);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.updateOffer(unknown))).isFalse();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.currentOffer("unknown"))).isEmpty();
    }

    @Test
    void keepsDepositsUntilPaid() {
        Event event = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "d@example.com", T0));
        Deposit requested = new Deposit(Ids.newId(), event.id(), 84_000L, "EUR", DepositStatus.REQUESTED, T0, null);
        store.inTeam(TEAM_A, (TeamStore s) -> {
            s.insertDeposit(requested);
            return null;
        });
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.depositForEvent(event.id()))).contains(requested);

        Deposit paid = requested.paid(T0.plus(Duration.ofDays(2)));
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.updateDeposit(paid))).isTrue();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.depositForEvent(event.id()))).contains(paid);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.updateDeposit(new Deposit("unknown", event.id(), 1L, "EUR",
                DepositStatus.PAID, T0, T0)))).isFalse();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.depositForEvent("unknown"))).isEmpty();
    }

    @Test
    void decidesAnOpenTaskOnce() {
        Event event = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "t@example.com", T0));
        Conversation conversation = store.inTeam(TEAM_A, (TeamStore s) -> s.createConversation(event.clientId(), event.id(), T0));
        HilTask older = new HilTask(Ids.newId(), event.id(), conversation.id(), TaskKind.REPLY, TaskStatus.OPEN,
                "Dear Ada, ...", T0, null, null);
        HilTask newer = new HilTask(Ids.newId(), event.id(), null, TaskKind.AVAILABILITY, TaskStatus.OPEN,
                "Rooms free on ...", T0.plusSeconds(5), null, null);
        store.inTeam(TEAM_A, (TeamStore s) -> {
            s.insertTask(older);
            s.insertTask(newer);
            return null;
        });
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.task(older.id()))).contains(older);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.tasks(null, 10))).containsExactly(newer, older);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.tasks(TaskStatus.OPEN, 1))).containsExactly(newer);

        HilTask approved = older.decided(TaskStatus.APPROVED, "manager-1", T0.plusSeconds(60));
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.decideTask(approved))).isTrue();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.decideTask(older.decided(TaskStatus.REJECTED, "manager-2",
                T0.plusSeconds(61))))).isFalse();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.task(older.id()))).contains(approved);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.tasks(TaskStatus.APPROVED, 10))).containsExactly(approved);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.tasks(TaskStatus.OPEN, 10))).containsExactly(newer);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.decideTask(new HilTask("unknown", null, null, TaskKind.REPLY,
                TaskStatus.APPROVED, "x", T0, T0, "m")))).isFalse();
    }

    @Test
    void storesUploadsAndTheHilEmail() {
        Upload upload = new Upload(Ids.newId(), "3f2a.pdf", "../../etc/passwd", "application/pdf", 1234L,
                "ab".repeat(32), T0);
        store.inTeam(TEAM_A, (TeamStore s) -> {
            s.insertUpload(upload);
            return null;
        });
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.upload(upload.id()))).contains(upload);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.upload("unknown"))).isEmpty();

        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.hilEmail())).isEmpty();
        store.inTeam(TEAM_A, (TeamStore s) -> {
            s.setHilEmail("events@venue.example");
            return null;
        });
        store.inTeam(TEAM_A, (TeamStore s) -> {
            s.setHilEmail("bookings@venue.example");
            return null;
        });
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.hilEmail())).contains("bookings@venue.example");
        store.inTeam(TEAM_A, (TeamStore s) -> {
            s.setHilEmail(null);
            return null;
        });
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.hilEmail())).isEqualTo(Optional.empty());
    }

    @Test
    void recordsBuiltFromNowEqualWhatIsReadBackAtMillisecondPrecision() {
        Instant precise = T0.plusNanos(123_456_789L);
        Event event = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "precise@example.com", T0));
        Conversation conversation = store.inTeam(TEAM_A,
                (TeamStore s) -> s.createConversation(event.clientId(), event.id(), precise));
        Message message = store.inTeam(TEAM_A,
                (TeamStore s) -> s.addMessage(conversation.id(), Direction.INBOUND, "hi", precise));
        Snapshot snapshot = store.inTeam(TEAM_A,
                (TeamStore s) -> s.createSnapshot(event.id(), SnapshotType.OFFER, "{}",
                        precise));
        OutboxEmail email = store.inTeam(TEAM_A, (TeamStore s) -> s.enqueueEmail("a@example.com", "s", "b", precise));

        assertThat(conversation.createdAt()).isEqualTo(T0.plusMillis(123));
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.conversation(conversation.id()))).contains(conversation);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.messages(conversation.id(), 1))).containsExactly(message);
        assertThat(store.snapshot(snapshot.id(), precise)).contains(snapshot);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.dueEmails(precise, 1))).containsExactly(email);
    }

    @Test
    void describesItselfByTheDatabaseWithoutCredentials() throws Exception {
        if (backend == StoreBackend.SQLITE) {
            assertThat(store.describe()).isEqualTo("sqlite:" + dataDir.toRealPath().resolve("palisade.db"));
        } else {
            assertThat(store.describe()).matches("postgres://[^/@?]+/[^/@?]+");
        }
    }
}
