package dev.palisade.workflow.engine;

import dev.palisade.workflow.analysis.Analysis;
import dev.palisade.workflow.analysis.Intent;
import dev.palisade.workflow.analysis.MessageAnalyzer;
import dev.palisade.workflow.domain.Client;
import dev.palisade.workflow.domain.Conversation;
import dev.palisade.workflow.domain.Deposit;
import dev.palisade.workflow.domain.DepositStatus;
import dev.palisade.workflow.domain.Direction;
import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.EventStatus;
import dev.palisade.workflow.domain.HilTask;
import dev.palisade.workflow.domain.Ids;
import dev.palisade.workflow.domain.Offer;
import dev.palisade.workflow.domain.OfferStatus;
import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.domain.Room;
import dev.palisade.workflow.domain.Snapshot;
import dev.palisade.workflow.domain.SnapshotType;
import dev.palisade.workflow.domain.Step;
import dev.palisade.workflow.domain.TaskKind;
import dev.palisade.workflow.domain.TaskStatus;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.session.ActiveConversation;
import dev.palisade.workflow.session.ConversationCache;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.TeamStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The booking workflow: every client message moves its event through the seven {@link Step}s, and
 * every reply is a draft held in a human-in-the-loop task; nothing reaches a client until a manager
 * approves the task.
 *
 * <p>Each operation analyses the message first (the analyser may be a slow LLM) and then does all
 * its reads and writes in ONE {@link Store#inTeam} transaction, so a request either happens whole
 * or not at all, and concurrent requests about one event cannot interleave. Whenever a task is
 * created and the team has a HIL address, a short notice (never the client's message) is queued to
 * it in the outbox.
 *
 * <p>The steps:
 * <ol>
 *   <li>INTAKE — client and event (LEAD) are created; without a date the draft asks for date and guests.</li>
 *   <li>DATE_CONFIRMATION — the draft asks to confirm the date; a CONFIRM or the same date again
 *       confirms it and runs step 3 at once.</li>
 *   <li>ROOM_AVAILABILITY — never interactive: rooms large enough and free on the date, ranked by
 *       wishes met then price; always a draft and an AVAILABILITY task, also when nothing fits. The
 *       proposed room is kept in {@link Event#roomId()}.</li>
 *   <li>OFFER — approving the AVAILABILITY task prices an offer (day rate + catering per guest) with
 *       a snapshot page {@code /s/{id}} and drafts an OFFER task; approving that sends the offer and
 *       holds the room (OPTION).</li>
 *   <li>NEGOTIATION — ACCEPT (or CONFIRM) accepts the offer; DECLINE closes the event; anything
 *       else drafts a reply for the manager to complete.</li>
 *   <li>DEPOSIT — a deposit is requested; {@link #markDepositPaid} moves on.</li>
 *   <li>CONFIRMATION — the event is CONFIRMED and its snapshot pages are removed.</li>
 * </ol>
 * CANCEL at any step before a terminal state cancels the event, withdraws its offer, releases the
 * room and removes its pages. Messages to a terminal event are recorded and answered with a draft
 * saying the booking is closed.
 */
public final class BookingWorkflow {
    /**
     * How many of the newest tasks are searched first for an event's conversation. (The store has no
     * conversation-by-event lookup; the event's tasks name it.)
     */

    private final Store store;
    private final MessageAnalyzer analyzer;
    private final Clock clock;
    private final ConversationCache conversations;
    private final WorkflowSettings settings;

    public BookingWorkflow(Store store, MessageAnalyzer analyzer, Clock clock, ConversationCache conversations,
            WorkflowSettings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.conversations = Objects.requireNonNull(conversations, "conversations");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    // --- client messages -----------------------------------------------------------------------

    /** Step 1: a client's first message. {@code name} may be {@code null}. */
    public Outcomes.Started startConversation(Team team, String email, String name, String message) {
        Analysis analysis = analyze(message);
        Instant now = clock.instant();
        Outcomes.Started started = store.inTeam(team, tx -> {
            Unit unit = new Unit(tx, now);
            Client client = tx.findOrCreateClient(email, name, now);
            Event lead = new Event(Ids.newId(), client.id(), EventStatus.LEAD, Step.INTAKE, null, false, null,
                    List.of(), null, now, now);
            tx.insertEvent(lead);
            Conversation conversation = tx.createConversation(client.id(), lead.id(), now);
            tx.addMessage(conversation.id(), Direction.INBOUND, message, now);
            Draft draft = details(unit, client, lead, analysis);
            HilTask task = unit.finish(lead, draft, conversation.id());
            return new Outcomes.Started(conversation.id(), client.id(), lead.id(), task.draft(), task.id(),
                    draft.event().step());
        });
        // After the commit: a rolled-back conversation must not be cached.
        conversations.put(team, new Conversation(started.conversationId(), started.clientId(), started.eventId(), now))
                .recordAnalysis(analysis);
        return started;
    }

    /**
     * A further client message in a conversation.
     *
     * @throws UnknownResourceException when the team has no such conversation (checked before the
     *                                  message is analysed, so unknown ids cost no analysis)
     */
    public Outcomes.Handled sendMessage(Team team, String conversationId, String message) {
        ActiveConversation active = conversations.get(team, conversationId)
                .orElseThrow(() -> new UnknownResourceException("No conversation with this id."));
        Analysis analysis = analyze(message);
        active.recordAnalysis(analysis);
        Instant now = clock.instant();
        return store.inTeam(team, tx -> {
            Unit unit = new Unit(tx, now);
            Conversation conversation = tx.conversation(conversationId)
                    .orElseThrow(() -> new UnknownResourceException("No conversation with this id."));
            Event event = unit.event(conversation.eventId());
            Client client = unit.client(event.clientId());
            tx.addMessage(conversationId, Direction.INBOUND, message, now);
            Draft draft = onMessage(unit, client, event, analysis);
            HilTask task = unit.finish(event, draft, conversationId);
            return new Outcomes.Handled(event.id(), task.draft(), draft.event().step(), draft.event().status(),
                    task.id());
        });
    }

    private Draft onMessage(Unit unit, Client client, Event event, Analysis analysis) {
        String name = client.name();
        if (event.status().isTerminal()) {
            return Draft.reply(event, Drafts.closed(name, event.status()));
        }
        Intent intent = analysis.intent();
        if (intent == Intent.CANCEL || (intent == Intent.DECLINE && event.step() == Step.DEPOSIT)) {
            return cancel(unit, client, event);
        }
        if (intent == Intent.DECLINE) {
            return decline(unit, client, event);
        }
        return switch (event.step()) {
            case INTAKE, DATE_CONFIRMATION -> details(unit, client, event, analysis);
            case ROOM_AVAILABILITY -> changedDetails(unit, client, event, analysis);
            case OFFER -> Draft.reply(event, Drafts.preparing(name));
            case NEGOTIATION -> intent == Intent.ACCEPT || intent == Intent.CONFIRM
                    ? accept(unit, client, event)
                    : Draft.reply(event, Drafts.reviewing(name));
            case DEPOSIT -> Draft.reply(event, Drafts.depositReminder(name, depositOf(unit, event)));
            // A non-terminal event never stands at CONFIRMATION; answer like a closed one.
            case CONFIRMATION -> Draft.reply(event, Drafts.closed(name, EventStatus.CONFIRMED));
        };
    }

    /** Steps 1 and 2: collect the date and guest count, have the date confirmed, then check rooms. */
    private Draft details(Unit unit, Client client, Event event, Analysis analysis) {
        String name = client.name();
        Event merged = merge(event, analysis, unit.now);
        LocalDate today = LocalDate.now(clock);
        if (merged.date() != null && merged.date().isBefore(today)) {
            Event cleared = merged.withDetails(null, false, merged.guests(), merged.wishes(), unit.now)
                    .withStep(Step.INTAKE, unit.now);
            return Draft.reply(cleared, Drafts.dateInPast(name, merged.date()));
        }
        if (merged.date() == null) {
            return Draft.reply(merged.withStep(Step.INTAKE, unit.now),
                    Drafts.askForDetails(name, true, merged.guests() == null));
        }
        boolean confirms = event.step() == Step.DATE_CONFIRMATION && event.date() != null
                && merged.date().equals(event.date())
                && (analysis.intent() == Intent.CONFIRM || event.date().equals(analysis.date()));
        if (!merged.dateConfirmed() && !confirms) {
            return Draft.reply(merged.withStep(Step.DATE_CONFIRMATION, unit.now),
                    Drafts.confirmDetails(name, merged.date(), merged.guests()));
        }
        Event confirmed = merged.withDetails(merged.date(), true, merged.guests(), merged.wishes(), unit.now);
        if (confirmed.guests() == null) {
            return Draft.reply(confirmed.withStep(Step.DATE_CONFIRMATION, unit.now),
                    Drafts.askForGuests(name, confirmed.date()));
        }
        return availability(unit, client, confirmed);
    }

    /** Step 3 waiting for the manager: new details re-run the check; anything else gets a holding reply. */
    private Draft changedDetails(Unit unit, Client client, Event event, Analysis analysis) {
        Event merged = merge(event, analysis, unit.now);
        if (merged.equals(event) || merged.date() == null) {
            return Draft.reply(event, Drafts.reviewing(client.name()));
        }
        if (merged.date().isBefore(LocalDate.now(clock))) {
            return Draft.reply(event, Drafts.dateInPast(client.name(), merged.date()));
        }
        // A date the client names after seeing availability is their choice: no second confirmation.
        return availability(unit, client, merged.withDetails(merged.date(), true, merged.guests(), merged.wishes(),
                unit.now));
    }

    /** Client details from the analysis take over the event's; a changed date needs confirming again. */
    private static Event merge(Event event, Analysis analysis, Instant now) {
        LocalDate date = analysis.date() != null ? analysis.date() : event.date();
        boolean confirmed = event.dateConfirmed() && Objects.equals(date, event.date());
        Integer guests = analysis.guests() != null ? analysis.guests() : event.guests();
        Set<String> wishes = new LinkedHashSet<>(event.wishes());
        wishes.addAll(analysis.wishes());
        if (Objects.equals(date, event.date()) && confirmed == event.dateConfirmed()
                && Objects.equals(guests, event.guests()) && wishes.size() == event.wishes().size()) {
            return event;
        }
        return event.withDetails(date, confirmed, guests, List.copyOf(wishes), now);
    }

    // --- step 3: availability ------------------------------------------------------------------

    /**
     * Step 3 on a manager's or the system's request: never interactive, always a draft and an
     * AVAILABILITY task (listed by the task list), also when nothing fits or details are missing.
     *
     * @throws UnknownResourceException when the team has no such event
     * @throws StateConflictException   when the event is past the offer stage or closed
     */
    public Outcomes.Availability checkAvailability(Team team, String eventId, AvailabilityOptions options) {
        Objects.requireNonNull(options, "options");
        Instant now = clock.instant();
        return store.inTeam(team, tx -> {
            Unit unit = new Unit(tx, now);
            Event event = unit.event(eventId);
            if (event.status() != EventStatus.LEAD) {
                throw new StateConflictException(event.status().isTerminal()
                        ? "The booking is closed." : "The booking already has an offer out.");
            }
            Client client = unit.client(event.clientId());
            // A new check replaces an offer drafted from an earlier one: it was never sent.
            Event base = withdrawUnsentOffer(unit, event);
            LocalDate date = options.date() != null ? options.date() : base.date();
            boolean confirmed = options.date() == null || options.date().equals(base.date())
                    ? base.dateConfirmed() : false;
            Integer guests = options.guests() != null ? options.guests() : base.guests();
            List<String> wishes = options.wishes() != null ? options.wishes() : base.wishes();
            Event adjusted = base.withDetails(date, confirmed, guests, wishes, now);
            Draft draft;
            if (date == null || guests == null) {
                // No room proposed, so approving the reply prices no offer.
                draft = Draft.of(adjusted.withRoom(null, now), TaskKind.AVAILABILITY,
                        Drafts.askForDetails(client.name(), date == null, guests == null));
            } else if (date.isBefore(LocalDate.now(clock))) {
                // The past date is not taken onto the event: an offer must never be priced for it.
                draft = Draft.of(base.withRoom(null, now), TaskKind.AVAILABILITY, Drafts.dateInPast(client.name(), date));
            } else {
                draft = availability(unit, client, adjusted);
            }
            HilTask task = unit.finish(event, draft, unit.conversationOf(eventId));
            return new Outcomes.Availability(eventId, task.draft(), task.id(), draft.event().step(), draft.rooms(),
                    draft.snapshotId());
        });
    }

    /** The event without its drafted, unsent offer (withdrawn), back at step 3 if it stood at step 4. */
    private static Event withdrawUnsentOffer(Unit unit, Event event) {
        unit.tx.currentOffer(event.id())
                .filter(offer -> offer.status() == OfferStatus.DRAFT)
                .ifPresent(offer -> unit.tx.updateOffer(offer.withStatus(OfferStatus.WITHDRAWN)));
        return event.step() == Step.OFFER ? event.withStep(Step.ROOM_AVAILABILITY, unit.now) : event;
    }

    private Draft availability(Unit unit, Client client, Event event) {
        Set<String> taken = new HashSet<>(unit.tx.roomsTakenOn(event.date(), event.id()));
        List<RoomChoice> ranked = RoomMatcher.rank(unit.tx.rooms(), taken, event.guests(), event.wishes());
        if (ranked.isEmpty()) {
            Event none = event.withRoom(null, unit.now).withStep(Step.ROOM_AVAILABILITY, unit.now);
            return Draft.of(none, TaskKind.AVAILABILITY, Drafts.noRoomFits(client.name(), event.date(), event.guests()));
        }
        Snapshot page = unit.tx.createSnapshot(event.id(), SnapshotType.ROOMS,
                Pages.rooms(event.date(), event.guests(), event.wishes(), ranked), unit.now);
        Event proposed = event.withRoom(ranked.get(0).room().id(), unit.now).withStep(Step.ROOM_AVAILABILITY, unit.now);
        List<String> roomIds = ranked.stream().map(choice -> choice.room().id()).toList();
        String text = Drafts.roomsFound(client.name(), event.date(), event.guests(), ranked,
                settings.snapshotLink(page.id()));
        return new Draft(proposed, TaskKind.AVAILABILITY, text, roomIds, page.id());
    }

    // --- steps 5 to 7 --------------------------------------------------------------------------

    private Draft accept(Unit unit, Client client, Event event) {
        Offer offer = unit.tx.currentOffer(event.id())
                .filter(o -> o.status() == OfferStatus.SENT)
                .orElse(null);
        if (offer == null) {
            return Draft.reply(event, Drafts.reviewing(client.name()));
        }
        unit.tx.updateOffer(offer.withStatus(OfferStatus.ACCEPTED));
        Money total = new Money(offer.totalCents(), offer.currency());
        Money deposit = total.percent(settings.depositPercent());
        unit.tx.insertDeposit(new Deposit(Ids.newId(), event.id(), deposit.cents(), deposit.currency(),
                DepositStatus.REQUESTED, unit.now, null));
        return Draft.of(event.withStep(Step.DEPOSIT, unit.now), TaskKind.DEPOSIT_REQUEST,
                Drafts.depositRequest(client.name(), total, deposit, settings.depositPercent()));
    }

    private Draft decline(Unit unit, Client client, Event event) {
        unit.tx.currentOffer(event.id()).ifPresent(offer -> unit.tx.updateOffer(offer.withStatus(
                offer.status() == OfferStatus.SENT ? OfferStatus.DECLINED : OfferStatus.WITHDRAWN)));
        unit.tx.deleteSnapshotsOfEvent(event.id());
        return Draft.reply(event.withStatus(EventStatus.DECLINED, unit.now), Drafts.declined(client.name()));
    }

    private Draft cancel(Unit unit, Client client, Event event) {
        unit.tx.currentOffer(event.id()).ifPresent(offer -> unit.tx.updateOffer(offer.withStatus(OfferStatus.WITHDRAWN)));
        unit.tx.deleteSnapshotsOfEvent(event.id());
        // CANCELLED holds no room: roomsTakenOn no longer counts it.
        return Draft.reply(event.withStatus(EventStatus.CANCELLED, unit.now), Drafts.cancelled(client.name()));
    }

    private static Money depositOf(Unit unit, Event event) {
        return unit.tx.depositForEvent(event.id())
                .map(deposit -> new Money(deposit.amountCents(), deposit.currency()))
                .orElseThrow(() -> new IllegalStateException("An event at the deposit step has no deposit"));
    }

    /**
     * Step 6 to 7: the deposit arrived (from a manager, or the dev payment mock). The event is
     * CONFIRMED, its snapshot pages are removed, and a CONFIRMATION task is drafted.
     *
     * @throws UnknownResourceException when the team has no such event
     * @throws StateConflictException   when no deposit is awaited
     */
    public Outcomes.DepositPaid markDepositPaid(Team team, String eventId) {
        Instant now = clock.instant();
        return store.inTeam(team, tx -> {
            Unit unit = new Unit(tx, now);
            Event event = unit.event(eventId);
            Deposit deposit = tx.depositForEvent(eventId)
                    .filter(d -> d.status() == DepositStatus.REQUESTED)
                    .orElse(null);
            if (deposit == null || event.status().isTerminal() || event.step() != Step.DEPOSIT) {
                throw new StateConflictException("No deposit is awaited for this booking.");
            }
            tx.updateDeposit(deposit.paid(now));
            tx.deleteSnapshotsOfEvent(eventId);
            Client client = unit.client(event.clientId());
            Room room = event.roomId() == null ? null
                    : tx.rooms().stream().filter(r -> r.id().equals(event.roomId())).findFirst().orElse(null);
            Event confirmed = event.withStatus(EventStatus.CONFIRMED, now).withStep(Step.CONFIRMATION, now);
            Draft draft = Draft.of(confirmed, TaskKind.CONFIRMATION,
                    Drafts.confirmation(client.name(), room, event.date(), event.guests()));
            HilTask task = unit.finish(event, draft, unit.conversationOf(eventId));
            return new Outcomes.DepositPaid(eventId, confirmed.step(), confirmed.status(), task.id());
        });
    }

    // --- task decisions ------------------------------------------------------------------------

    /**
     * Approves an open task: the reply (the manager's edit, or else the draft) is recorded as an
     * outbound message and queued to the client, and the task kind's next step happens — all in one
     * transaction.
     *
     * @param editedReply the manager's version of the reply, or {@code null} to send the draft
     * @throws UnknownResourceException when the team has no such task
     * @throws StateConflictException   when the task is no longer open, or its step no longer applies
     */
    public Outcomes.Decided approve(Team team, String taskId, String decidedBy, String editedReply) {
        Instant now = clock.instant();
        return store.inTeam(team, tx -> {
            Unit unit = new Unit(tx, now);
            HilTask task = openTask(tx, taskId);
            Event event = unit.event(task.eventId());
            requireStillApplies(unit, task, event);
            if (!tx.decideTask(task.decided(TaskStatus.APPROVED, decidedBy, now))) {
                throw new StateConflictException("The task has already been decided.");
            }
            Client client = unit.client(event.clientId());
            String reply = editedReply == null ? task.draft() : editedReply;
            tx.addMessage(task.conversationId(), Direction.OUTBOUND, reply, now);
            OutboxEmail email = tx.enqueueEmail(client.email(), Drafts.clientSubject(task.kind()), reply, now);
            Event after = event;
            String nextTaskId = null;
            if (task.kind() == TaskKind.AVAILABILITY) {
                Optional<HilTask> offerTask = makeOffer(unit, client, event, task.conversationId());
                if (offerTask.isPresent()) {
                    nextTaskId = offerTask.get().id();
                    after = unit.event(event.id());
                }
            } else if (task.kind() == TaskKind.OFFER) {
                after = sendOffer(unit, event);
            }
            return new Outcomes.Decided(taskId, TaskStatus.APPROVED, event.id(), after.step(), after.status(),
                    email.id(), nextTaskId);
        });
    }

    /**
     * Rejects an open task: nothing is sent and nothing moves; the manager may write to the client
     * another way or check availability again.
     */
    public Outcomes.Decided reject(Team team, String taskId, String decidedBy) {
        Instant now = clock.instant();
        return store.inTeam(team, tx -> {
            HilTask task = openTask(tx, taskId);
            if (!tx.decideTask(task.decided(TaskStatus.REJECTED, decidedBy, now))) {
                throw new StateConflictException("The task has already been decided.");
            }
            Event event = new Unit(tx, now).event(task.eventId());
            return new Outcomes.Decided(taskId, TaskStatus.REJECTED, event.id(), event.step(), event.status(), null,
                    null);
        });
    }

    /**
     * A task's draft still describes the booking: a stale task is closed when the booking moves on
     * ({@link Unit#closeStaleTasks}); this also refuses one left open by an earlier version.
     */
    private static void requireStillApplies(Unit unit, HilTask task, Event event) {
        if (task.kind() == TaskKind.AVAILABILITY && event.status() != EventStatus.LEAD) {
            throw new StateConflictException(event.status().isTerminal()
                    ? "The booking is closed." : "The booking already has an offer out.");
        }
        if (task.kind() == TaskKind.DEPOSIT_REQUEST && (event.status() != EventStatus.OPTION
                || event.step() != Step.DEPOSIT
                || unit.tx.depositForEvent(event.id()).filter(d -> d.status() == DepositStatus.REQUESTED).isEmpty())) {
            throw new StateConflictException("No deposit is awaited for this booking.");
        }
    }

    private static HilTask openTask(TeamStore tx, String taskId) {
        HilTask task = tx.task(taskId).orElseThrow(() -> new UnknownResourceException("No task with this id."));
        if (task.status() != TaskStatus.OPEN) {
            throw new StateConflictException("The task has already been decided.");
        }
        return task;
    }

    /** Step 3 to 4 on approval of the availability: an offer for the proposed room, if one was proposed. */
    private Optional<HilTask> makeOffer(Unit unit, Client client, Event event, String conversationId) {
        if (event.status().isTerminal()) {
            throw new StateConflictException("The booking is closed.");
        }
        if (event.status() != EventStatus.LEAD || event.step() != Step.ROOM_AVAILABILITY || event.roomId() == null) {
            // Nothing fitted, details are missing or the date is past (the reply says so): the reply is all there is.
            return Optional.empty();
        }
        Room room = roomFreeFor(unit, event);
        unit.tx.currentOffer(event.id())
                .filter(old -> old.status() == OfferStatus.DRAFT)
                .ifPresent(old -> unit.tx.updateOffer(old.withStatus(OfferStatus.WITHDRAWN)));
        String currency = settings.currency();
        Money dayRate = new Money(room.dayRateCents(), currency);
        Money catering = new Money(settings.cateringPerGuestCents() * event.guests(), currency);
        Money total = new Money(dayRate.cents() + catering.cents(), currency);
        Snapshot page = unit.tx.createSnapshot(event.id(), SnapshotType.OFFER,
                Pages.offer(room, event.date(), event.guests(), dayRate, catering, total, settings.depositPercent()),
                unit.now);
        unit.tx.insertOffer(new Offer(Ids.newId(), event.id(), room.id(), total.cents(), currency, OfferStatus.DRAFT,
                page.id(), unit.now));
        Event offered = event.withStep(Step.OFFER, unit.now);
        String text = Drafts.offer(client.name(), room, event.date(), event.guests(), total,
                settings.snapshotLink(page.id()));
        return Optional.of(unit.finish(event, Draft.of(offered, TaskKind.OFFER, text), conversationId));
    }

    /** Step 4 to 5 on approval of the offer: sent, and the room is held (OPTION). */
    private static Event sendOffer(Unit unit, Event event) {
        if (event.status().isTerminal()) {
            throw new StateConflictException("The booking is closed.");
        }
        Offer offer = unit.tx.currentOffer(event.id())
                .filter(o -> o.status() == OfferStatus.DRAFT && event.step() == Step.OFFER)
                .orElseThrow(() -> new StateConflictException("The offer of this task is no longer current."));
        roomFreeFor(unit, event.withRoom(offer.roomId(), unit.now));
        unit.tx.updateOffer(offer.withStatus(OfferStatus.SENT));
        Event sent = event.withRoom(offer.roomId(), unit.now)
                .withStatus(EventStatus.OPTION, unit.now)
                .withStep(Step.NEGOTIATION, unit.now);
        unit.tx.updateEvent(sent);
        unit.closeStaleTasks(event, sent, null);
        return sent;
    }

    /** The event's room, checked still free on its date (another event may have taken it meanwhile). */
    private static Room roomFreeFor(Unit unit, Event event) {
        if (unit.tx.roomsTakenOn(event.date(), event.id()).contains(event.roomId())) {
            throw new StateConflictException("The room is no longer free on this date; check availability again.");
        }
        return unit.tx.rooms().stream()
                .filter(r -> r.id().equals(event.roomId()))
                .findFirst()
                .orElseThrow(() -> new StateConflictException("The room is no longer in the catalogue."));
    }

    private Analysis analyze(String message) {
        return analyzer.analyze(message, LocalDate.now(clock));
    }

    // --- helpers -------------------------------------------------------------------------------

    /** One transaction's store and clock reading, with the steps every operation shares. */
    private static final class Unit {
        /** Who closed a task whose draft no longer matches the booking. */
        static final String SUPERSEDED = "superseded";

        final TeamStore tx;
        final Instant now;

        Unit(TeamStore tx, Instant now) {
            this.tx = tx;
            this.now = now;
        }

        Event event(String eventId) {
            return tx.event(eventId).orElseThrow(() -> new UnknownResourceException("No event with this id."));
        }

        Client client(String clientId) {
            return tx.client(clientId).orElseThrow(() -> new IllegalStateException("An event's client is missing"));
        }

        /**
         * Closes the event's open tasks whose drafts the move from {@code before} to {@code after}
         * (with a new task of kind {@code drafting}, or none) made stale, so that approving one
         * cannot send the client a text the booking no longer matches: an availability or offer draft
         * once the details changed, a newer check or offer was drafted, or the booking left the offer
         * stage; a deposit request once the booking no longer awaits its deposit; a reply once the
         * details, status or step changed. In the same transaction, so a manager approving one at the
         * same time gets 409.
         */
        void closeStaleTasks(Event before, Event after, TaskKind drafting) {
            Set<TaskKind> stale = EnumSet.noneOf(TaskKind.class);
            boolean detailsChanged = !Objects.equals(before.date(), after.date())
                    || !Objects.equals(before.guests(), after.guests()) || !before.wishes().equals(after.wishes());
            if (after.status() != EventStatus.LEAD || drafting == TaskKind.AVAILABILITY || drafting == TaskKind.OFFER
                    || detailsChanged) {
                stale.add(TaskKind.AVAILABILITY);
                stale.add(TaskKind.OFFER);
            }
            // A reply answers the booking as it stood ("please confirm 12 June", a deposit reminder):
            // stale once the booking moves on. The one drafted with this move is stored after this.
            if (detailsChanged || before.status() != after.status() || before.step() != after.step()) {
                stale.add(TaskKind.REPLY);
            }
            if (after.status() != EventStatus.OPTION || after.step() != Step.DEPOSIT) {
                stale.add(TaskKind.DEPOSIT_REQUEST);
            }
            tx.closeOpenTasks(after.id(), stale, SUPERSEDED, now);
        }

        /** The conversation about an event: every event starts with a client's message. */
        String conversationOf(String eventId) {
            return tx.conversationOfEvent(eventId).map(Conversation::id)
                    .orElseThrow(() -> new IllegalStateException("No conversation found for an event"));
        }

        /**
         * Writes the event as drafted from {@code before}, closes the tasks that made stale, stores the
         * task holding the draft, and notifies the team.
         */
        HilTask finish(Event before, Draft draft, String conversationId) {
            if (!tx.updateEvent(draft.event())) {
                throw new IllegalStateException("An event vanished inside its transaction");
            }
            closeStaleTasks(before, draft.event(), draft.kind());
            HilTask task = new HilTask(Ids.newId(), draft.event().id(), conversationId, draft.kind(), TaskStatus.OPEN,
                    draft.text(), now, null, null);
            tx.insertTask(task);
            tx.hilEmail().ifPresent(address -> tx.enqueueEmail(address, Drafts.hilSubject(task.kind()),
                    Drafts.hilBody(task.kind(), task.id(), task.eventId()), now));
            return task;
        }
    }

    /** A step's result: the event as it now stands and the reply drafted for the manager. */
    private record Draft(Event event, TaskKind kind, String text, List<String> rooms, String snapshotId) {
        Draft {
            rooms = List.copyOf(rooms);
        }

        static Draft reply(Event event, String text) {
            return of(event, TaskKind.REPLY, text);
        }

        static Draft of(Event event, TaskKind kind, String text) {
            return new Draft(event, kind, text, new ArrayList<>(), null);
        }
    }
}
