package dev.palisade.workflow.store.jdbc;

import dev.palisade.workflow.domain.Client;
import dev.palisade.workflow.domain.Conversation;
import dev.palisade.workflow.domain.Deposit;
import dev.palisade.workflow.domain.DepositStatus;
import dev.palisade.workflow.domain.Direction;
import dev.palisade.workflow.domain.EmailStatus;
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
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.domain.Upload;
import dev.palisade.workflow.store.TeamStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link TeamStore} over the connection of one open transaction. Every statement filters by (or writes)
 * {@code team}; foreign keys include the team, so a row cannot reference another team's row either.
 * Usable only while the work that received it runs ({@link #invalidate()} afterwards).
 */
final class JdbcTeamStore implements TeamStore {

    /** Snapshots kept per team; creating one more deletes the oldest. */
    static final int MAX_SNAPSHOTS_PER_TEAM = 500;

    private static final String EVENT_COLUMNS =
            "id, client_id, status, step, event_date, date_confirmed, guests, wishes, room_id, created_at, updated_at";
    private static final String OFFER_COLUMNS =
            "id, event_id, room_id, total_cents, currency, status, snapshot_id, created_at";
    private static final String DEPOSIT_COLUMNS =
            "id, event_id, amount_cents, currency, status, created_at, paid_at";
    private static final String TASK_COLUMNS =
            "id, event_id, conversation_id, kind, status, draft, created_at, decided_at, decided_by";
    private static final String EMAIL_COLUMNS =
            "id, recipient, subject, body, status, attempts, next_attempt_at, created_at, sent_at";
    private static final String UPLOAD_COLUMNS =
            "id, stored_name, original_name, media_type, size_bytes, sha256, created_at";
    private static final String SNAPSHOT_COLUMNS = "id, event_id, type, payload, created_at, expires_at";

    /** The statuses in which an event occupies its room, from {@link EventStatus#holdsRoom()}. */
    private static final List<EventStatus> HOLDING_ROOM =
            Arrays.stream(EventStatus.values()).filter(EventStatus::holdsRoom).collect(Collectors.toUnmodifiableList());

    private final Team team;
    private final String teamId;
    private final Connection connection;
    private final Sql sql;
    private boolean valid = true;

    JdbcTeamStore(Connection connection, Team team) {
        this.team = team;
        this.teamId = team.id();
        this.connection = connection;
        this.sql = new Sql(connection);
    }

    /**
     * The transaction's connection, for tests that check what the database itself enforces (row-level
     * security) with SQL that bypasses this class's team filters.
     */
    Connection connection() {
        sql();
        return connection;
    }

    /** Called when the transaction ends: a TeamStore kept past its work must not run statements. */
    void invalidate() {
        valid = false;
    }

    private Sql sql() {
        if (!valid) {
            throw new IllegalStateException("TeamStore used after its inTeam work returned");
        }
        return sql;
    }

    @Override
    public Team team() {
        return team;
    }

    // --- clients -------------------------------------------------------------------------------

    @Override
    public Client findOrCreateClient(String email, String name, Instant now) {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(now, "now");
        String normalised = email.strip().toLowerCase(Locale.ROOT);
        if (normalised.isEmpty()) {
            throw new IllegalArgumentException("email is blank");
        }
        sql().update("INSERT INTO clients (team, id, email, name, created_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (team, email) DO NOTHING",
                teamId, Ids.newId(), normalised, Sql.text(name), Sql.millis(now));
        return sql().first("SELECT id, email, name, created_at FROM clients WHERE team = ? AND email = ?",
                JdbcTeamStore::client, teamId, normalised).orElseThrow();
    }

    @Override
    public Optional<Client> client(String clientId) {
        return sql().first("SELECT id, email, name, created_at FROM clients WHERE team = ? AND id = ?",
                JdbcTeamStore::client, teamId, Sql.text(clientId));
    }

    private static Client client(ResultSet row) throws SQLException {
        return new Client(row.getString("id"), row.getString("email"), row.getString("name"),
                Sql.instant(row, "created_at"));
    }

    // --- conversations and messages ------------------------------------------------------------

    @Override
    public Conversation createConversation(String clientId, String eventId, Instant now) {
        now = storedPrecision(now);
        Conversation conversation = new Conversation(Ids.newId(), clientId, eventId, now);
        sql().update("INSERT INTO conversations (team, id, client_id, event_id, created_at) VALUES (?, ?, ?, ?, ?)",
                teamId, conversation.id(), Sql.text(clientId), Sql.text(eventId), Sql.millis(now));
        return conversation;
    }

    @Override
    public Optional<Conversation> conversation(String conversationId) {
        return sql().first("SELECT id, client_id, event_id, created_at FROM conversations WHERE team = ? AND id = ?",
                row -> new Conversation(row.getString("id"), row.getString("client_id"), row.getString("event_id"),
                        Sql.instant(row, "created_at")),
                teamId, Sql.text(conversationId));
    }

    @Override
    public Optional<Conversation> conversationOfEvent(String eventId) {
        return sql().first("SELECT id, client_id, event_id, created_at FROM conversations WHERE team = ? AND event_id = ?"
                        + " ORDER BY created_at DESC, seq DESC LIMIT 1",
                row -> new Conversation(row.getString("id"), row.getString("client_id"), row.getString("event_id"),
                        Sql.instant(row, "created_at")),
                teamId, Sql.text(eventId));
    }

    @Override
    public Message addMessage(String conversationId, Direction direction, String body, Instant now) {
        now = storedPrecision(now);
        Message message = new Message(Ids.newId(), conversationId, direction, body, now);
        sql().update("INSERT INTO messages (team, id, conversation_id, direction, body, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)",
                teamId, message.id(), Sql.text(conversationId), direction, Sql.text(body), Sql.millis(now));
        return message;
    }

    @Override
    public List<Message> messages(String conversationId, int limit) {
        List<Message> newestFirst = new ArrayList<>(sql().list(
                "SELECT id, conversation_id, direction, body, created_at FROM messages"
                        + " WHERE team = ? AND conversation_id = ? ORDER BY created_at DESC, seq DESC LIMIT ?",
                row -> new Message(row.getString("id"), row.getString("conversation_id"),
                        Sql.enumValue(row, "direction", Direction.class), row.getString("body"),
                        Sql.instant(row, "created_at")),
                teamId, Sql.text(conversationId), checkedLimit(limit)));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    // --- events --------------------------------------------------------------------------------

    @Override
    public void insertEvent(Event event) {
        sql().update("INSERT INTO events (team, " + EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                teamId, event.id(), Sql.text(event.clientId()), event.status(), event.step(),
                Sql.isoDate(event.date()), event.dateConfirmed(), Sql.integer(event.guests()),
                Sql.jsonList(event.wishes()), Sql.text(event.roomId()), Sql.millis(event.createdAt()),
                Sql.millis(event.updatedAt()));
    }

    @Override
    public boolean updateEvent(Event event) {
        return sql().update("UPDATE events SET client_id = ?, status = ?, step = ?, event_date = ?, date_confirmed = ?,"
                + " guests = ?, wishes = ?, room_id = ?, created_at = ?, updated_at = ? WHERE team = ? AND id = ?",
                Sql.text(event.clientId()), event.status(), event.step(), Sql.isoDate(event.date()),
                event.dateConfirmed(), Sql.integer(event.guests()), Sql.jsonList(event.wishes()),
                Sql.text(event.roomId()), Sql.millis(event.createdAt()), Sql.millis(event.updatedAt()),
                teamId, Sql.text(event.id())) == 1;
    }

    @Override
    public Optional<Event> event(String eventId) {
        return sql().first("SELECT " + EVENT_COLUMNS + " FROM events WHERE team = ? AND id = ?",
                JdbcTeamStore::event, teamId, Sql.text(eventId));
    }

    @Override
    public List<Event> events(int limit) {
        return sql().list("SELECT " + EVENT_COLUMNS + " FROM events WHERE team = ?"
                + " ORDER BY created_at DESC, seq DESC LIMIT ?",
                JdbcTeamStore::event, teamId, checkedLimit(limit));
    }

    private static Event event(ResultSet row) throws SQLException {
        return new Event(row.getString("id"), row.getString("client_id"),
                Sql.enumValue(row, "status", EventStatus.class), Sql.enumValue(row, "step", Step.class),
                Sql.date(row, "event_date"), row.getBoolean("date_confirmed"), Sql.nullableInt(row, "guests"),
                Sql.stringList(row, "wishes"), row.getString("room_id"), Sql.instant(row, "created_at"),
                Sql.instant(row, "updated_at"));
    }

    // --- rooms ---------------------------------------------------------------------------------

    @Override
    public List<Room> rooms() {
        List<Room> rooms = selectRooms();
        if (!rooms.isEmpty()) {
            return rooms;
        }
        for (Room room : DefaultRoomCatalogue.ROOMS) {
            sql().update("INSERT INTO rooms (team, id, name, capacity, features, day_rate_cents) VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (team, id) DO NOTHING",
                    teamId, room.id(), room.name(), room.capacity(), Sql.jsonSortedSet(room.features()),
                    room.dayRateCents());
        }
        return selectRooms();
    }

    private List<Room> selectRooms() {
        return sql().list("SELECT id, name, capacity, features, day_rate_cents FROM rooms WHERE team = ?"
                + " ORDER BY capacity, id",
                row -> new Room(row.getString("id"), row.getString("name"), row.getInt("capacity"),
                        new HashSet<>(Sql.stringList(row, "features")), row.getLong("day_rate_cents")),
                teamId);
    }

    @Override
    public List<String> roomsTakenOn(LocalDate date, String exceptEventId) {
        Objects.requireNonNull(date, "date");
        List<Object> params = new ArrayList<>();
        params.add(teamId);
        params.add(date.toString());
        params.addAll(HOLDING_ROOM);
        String query = "SELECT DISTINCT room_id FROM events WHERE team = ? AND event_date = ? AND status IN ("
                + placeholders(HOLDING_ROOM.size()) + ") AND room_id IS NOT NULL";
        if (exceptEventId != null) {
            query += " AND id <> ?";
            params.add(exceptEventId);
        }
        return sql().list(query + " ORDER BY room_id", row -> row.getString("room_id"), params.toArray());
    }

    // --- offers and deposits -------------------------------------------------------------------

    @Override
    public void insertOffer(Offer offer) {
        sql().update("INSERT INTO offers (team, " + OFFER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                teamId, offer.id(), Sql.text(offer.eventId()), Sql.text(offer.roomId()), offer.totalCents(),
                Sql.text(offer.currency()), offer.status(), Sql.text(offer.snapshotId()),
                Sql.millis(offer.createdAt()));
    }

    @Override
    public boolean updateOffer(Offer offer) {
        return sql().update("UPDATE offers SET event_id = ?, room_id = ?, total_cents = ?, currency = ?, status = ?,"
                + " snapshot_id = ?, created_at = ? WHERE team = ? AND id = ?",
                Sql.text(offer.eventId()), Sql.text(offer.roomId()), offer.totalCents(), Sql.text(offer.currency()),
                offer.status(), Sql.text(offer.snapshotId()), Sql.millis(offer.createdAt()),
                teamId, Sql.text(offer.id())) == 1;
    }

    @Override
    public Optional<Offer> currentOffer(String eventId) {
        return sql().first("SELECT " + OFFER_COLUMNS + " FROM offers WHERE team = ? AND event_id = ? AND status <> ?"
                + " ORDER BY created_at DESC, seq DESC LIMIT 1",
                row -> new Offer(row.getString("id"), row.getString("event_id"), row.getString("room_id"),
                        row.getLong("total_cents"), row.getString("currency"),
                        Sql.enumValue(row, "status", OfferStatus.class), row.getString("snapshot_id"),
                        Sql.instant(row, "created_at")),
                teamId, Sql.text(eventId), OfferStatus.WITHDRAWN);
    }

    @Override
    public void insertDeposit(Deposit deposit) {
        sql().update("INSERT INTO deposits (team, " + DEPOSIT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                teamId, deposit.id(), Sql.text(deposit.eventId()), deposit.amountCents(), Sql.text(deposit.currency()),
                deposit.status(), Sql.millis(deposit.createdAt()), Sql.millis(deposit.paidAt()));
    }

    @Override
    public boolean updateDeposit(Deposit deposit) {
        return sql().update("UPDATE deposits SET event_id = ?, amount_cents = ?, currency = ?, status = ?,"
                + " created_at = ?, paid_at = ? WHERE team = ? AND id = ?",
                Sql.text(deposit.eventId()), deposit.amountCents(), Sql.text(deposit.currency()), deposit.status(),
                Sql.millis(deposit.createdAt()), Sql.millis(deposit.paidAt()), teamId, Sql.text(deposit.id())) == 1;
    }

    @Override
    public Optional<Deposit> depositForEvent(String eventId) {
        return sql().first("SELECT " + DEPOSIT_COLUMNS + " FROM deposits WHERE team = ? AND event_id = ?"
                + " ORDER BY created_at DESC, seq DESC LIMIT 1",
                row -> new Deposit(row.getString("id"), row.getString("event_id"), row.getLong("amount_cents"),
                        row.getString("currency"), Sql.enumValue(row, "status", DepositStatus.class),
                        Sql.instant(row, "created_at"), Sql.instant(row, "paid_at")),
                teamId, Sql.text(eventId));
    }

    // --- human-in-the-loop tasks ---------------------------------------------------------------

    @Override
    public void insertTask(HilTask task) {
        sql().update("INSERT INTO hil_tasks (team, " + TASK_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                teamId, task.id(), Sql.text(task.eventId()), Sql.text(task.conversationId()), task.kind(),
                task.status(), Sql.text(task.draft()), Sql.millis(task.createdAt()), Sql.millis(task.decidedAt()),
                Sql.text(task.decidedBy()));
    }

    @Override
    public Optional<HilTask> task(String taskId) {
        return sql().first("SELECT " + TASK_COLUMNS + " FROM hil_tasks WHERE team = ? AND id = ?",
                JdbcTeamStore::task, teamId, Sql.text(taskId));
    }

    @Override
    public List<HilTask> tasks(TaskStatus status, int limit) {
        if (status == null) {
            return sql().list("SELECT " + TASK_COLUMNS + " FROM hil_tasks WHERE team = ?"
                    + " ORDER BY created_at DESC, seq DESC LIMIT ?", JdbcTeamStore::task, teamId, checkedLimit(limit));
        }
        return sql().list("SELECT " + TASK_COLUMNS + " FROM hil_tasks WHERE team = ? AND status = ?"
                + " ORDER BY created_at DESC, seq DESC LIMIT ?", JdbcTeamStore::task, teamId, status, checkedLimit(limit));
    }

    @Override
    public boolean decideTask(HilTask decided) {
        if (decided.status() == TaskStatus.OPEN) {
            throw new IllegalArgumentException("a decided task is APPROVED or REJECTED, not OPEN");
        }
        return sql().update("UPDATE hil_tasks SET status = ?, decided_at = ?, decided_by = ?"
                + " WHERE team = ? AND id = ? AND status = ?",
                decided.status(), Sql.millis(decided.decidedAt()), Sql.text(decided.decidedBy()),
                teamId, Sql.text(decided.id()), TaskStatus.OPEN) == 1;
    }

    @Override
    public int closeOpenTasks(String eventId, Set<TaskKind> kinds, String decidedBy, Instant now) {
        if (kinds.isEmpty()) {
            return 0;
        }
        List<Object> params = new ArrayList<>(List.of(TaskStatus.REJECTED, Sql.millis(storedPrecision(now)),
                Sql.text(decidedBy), teamId, Sql.text(eventId), TaskStatus.OPEN));
        params.addAll(kinds);
        return sql().update("UPDATE hil_tasks SET status = ?, decided_at = ?, decided_by = ?"
                + " WHERE team = ? AND event_id = ? AND status = ? AND kind IN ("
                + String.join(", ", Collections.nCopies(kinds.size(), "?")) + ")", params.toArray());
    }

    private static HilTask task(ResultSet row) throws SQLException {
        return new HilTask(row.getString("id"), row.getString("event_id"), row.getString("conversation_id"),
                Sql.enumValue(row, "kind", TaskKind.class), Sql.enumValue(row, "status", TaskStatus.class),
                row.getString("draft"), Sql.instant(row, "created_at"), Sql.instant(row, "decided_at"),
                row.getString("decided_by"));
    }

    // --- snapshots -----------------------------------------------------------------------------

    @Override
    public Snapshot createSnapshot(String eventId, SnapshotType type, String payload, Instant now) {
        Objects.requireNonNull(type, "type");
        now = storedPrecision(Objects.requireNonNull(now, "now"));
        Snapshot snapshot = new Snapshot(Ids.newSnapshotId(), eventId, type, payload, now, now.plus(type.ttl()));
        // Expired rows go first, so the cap evicts live pages only when 500 are really live.
        sql().update("DELETE FROM snapshots WHERE team = ? AND expires_at <= ?", teamId, Sql.millis(now));
        sql().update("INSERT INTO snapshots (team, " + SNAPSHOT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                teamId, snapshot.id(), Sql.text(eventId), type, Sql.text(payload), Sql.millis(now),
                Sql.millis(snapshot.expiresAt()));
        long excess = sql().count("SELECT COUNT(*) FROM snapshots WHERE team = ?", teamId) - MAX_SNAPSHOTS_PER_TEAM;
        if (excess > 0) {
            sql().update("DELETE FROM snapshots WHERE team = ? AND seq IN"
                    + " (SELECT seq FROM snapshots WHERE team = ? ORDER BY created_at, seq LIMIT ?)",
                    teamId, teamId, excess);
        }
        return snapshot;
    }

    static Snapshot snapshot(ResultSet row) throws SQLException {
        return new Snapshot(row.getString("id"), row.getString("event_id"),
                Sql.enumValue(row, "type", SnapshotType.class), row.getString("payload"),
                Sql.instant(row, "created_at"), Sql.instant(row, "expires_at"));
    }

    @Override
    public int deleteSnapshotsOfEvent(String eventId) {
        return sql().update("DELETE FROM snapshots WHERE team = ? AND event_id = ?", teamId, Sql.text(eventId));
    }

    // --- outbox --------------------------------------------------------------------------------

    @Override
    public OutboxEmail enqueueEmail(String recipient, String subject, String body, Instant now) {
        now = storedPrecision(Objects.requireNonNull(now, "now"));
        OutboxEmail email = new OutboxEmail(Ids.newId(), recipient, subject, body, EmailStatus.PENDING, 0, now, now,
                null);
        sql().update("INSERT INTO outbox_emails (team, " + EMAIL_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                teamId, email.id(), Sql.text(recipient), Sql.text(subject), Sql.text(body), email.status(),
                email.attempts(), Sql.millis(now), Sql.millis(now), Sql.NULL_BIGINT);
        return email;
    }

    @Override
    public List<OutboxEmail> dueEmails(Instant now, int limit) {
        return sql().list("SELECT " + EMAIL_COLUMNS + " FROM outbox_emails"
                + " WHERE team = ? AND status = ? AND next_attempt_at <= ? ORDER BY created_at, seq LIMIT ?",
                row -> new OutboxEmail(row.getString("id"), row.getString("recipient"), row.getString("subject"),
                        row.getString("body"), Sql.enumValue(row, "status", EmailStatus.class), row.getInt("attempts"),
                        Sql.instant(row, "next_attempt_at"), Sql.instant(row, "created_at"),
                        Sql.instant(row, "sent_at")),
                teamId, EmailStatus.PENDING, Sql.millis(Objects.requireNonNull(now, "now")), checkedLimit(limit));
    }

    @Override
    public Optional<OutboxEmail> claimDueEmail(Instant now, Instant leaseUntil) {
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        List<OutboxEmail> due = dueEmails(now, 1);
        if (due.isEmpty()) {
            return Optional.empty();
        }
        // The team's writers are serialised (SQLite's single writer, PostgreSQL's team lock), so no other
        // sender can claim this row between the read above and this update.
        OutboxEmail email = due.get(0);
        sql().update("UPDATE outbox_emails SET next_attempt_at = ? WHERE team = ? AND id = ? AND status = ?",
                Sql.millis(leaseUntil), teamId, email.id(), EmailStatus.PENDING);
        return Optional.of(email);
    }

    @Override
    public boolean markEmailSent(String emailId, Instant now) {
        return sql().update("UPDATE outbox_emails SET status = ?, sent_at = ? WHERE team = ? AND id = ? AND status = ?",
                EmailStatus.SENT, Sql.millis(Objects.requireNonNull(now, "now")), teamId, Sql.text(emailId),
                EmailStatus.PENDING) == 1;
    }

    @Override
    public void markEmailRetry(String emailId, int attempts, Instant nextAttemptAt) {
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative");
        }
        // A sent email is final: a late retry record must not make it due again.
        sql().update("UPDATE outbox_emails SET attempts = ?, next_attempt_at = ? WHERE team = ? AND id = ? AND status = ?",
                attempts, Sql.millis(nextAttemptAt), teamId, Sql.text(emailId), EmailStatus.PENDING);
    }

    @Override
    public long outboxDepth() {
        return sql().count("SELECT COUNT(*) FROM outbox_emails WHERE team = ? AND status = ?",
                teamId, EmailStatus.PENDING);
    }

    // --- uploads -------------------------------------------------------------------------------

    @Override
    public void insertUpload(Upload upload) {
        sql().update("INSERT INTO uploads (team, " + UPLOAD_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                teamId, upload.id(), Sql.text(upload.storedName()), Sql.text(upload.originalName()),
                Sql.text(upload.mediaType()), upload.sizeBytes(), Sql.text(upload.sha256()),
                Sql.millis(upload.createdAt()));
    }

    @Override
    public Optional<Upload> upload(String uploadId) {
        return sql().first("SELECT " + UPLOAD_COLUMNS + " FROM uploads WHERE team = ? AND id = ?",
                row -> new Upload(row.getString("id"), row.getString("stored_name"), row.getString("original_name"),
                        row.getString("media_type"), row.getLong("size_bytes"), row.getString("sha256"),
                        Sql.instant(row, "created_at")),
                teamId, Sql.text(uploadId));
    }

    // --- team config ---------------------------------------------------------------------------

    @Override
    public Optional<String> hilEmail() {
        return sql().first("SELECT hil_email FROM team_config WHERE team = ?", row -> row.getString("hil_email"), teamId)
                .filter(Objects::nonNull);
    }

    @Override
    public void setHilEmail(String address) {
        sql().update("INSERT INTO team_config (team, hil_email) VALUES (?, ?)"
                + " ON CONFLICT (team) DO UPDATE SET hil_email = excluded.hil_email", teamId, Sql.text(address));
    }

    // --- helpers -------------------------------------------------------------------------------

    /**
     * Instants are stored as epoch milliseconds; a record this store builds from {@code now} carries the
     * stored value, so it equals what a later read returns.
     */
    private static Instant storedPrecision(Instant now) {
        return now == null ? null : now.truncatedTo(ChronoUnit.MILLIS);
    }

    private static Integer checkedLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        return limit;
    }

    private static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
