package dev.palisade.workflow.store;

import dev.palisade.workflow.domain.Client;
import dev.palisade.workflow.domain.Conversation;
import dev.palisade.workflow.domain.Deposit;
import dev.palisade.workflow.domain.Direction;
import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.HilTask;
import dev.palisade.workflow.domain.Message;
import dev.palisade.workflow.domain.Offer;
import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.domain.Room;
import dev.palisade.workflow.domain.Snapshot;
import dev.palisade.workflow.domain.SnapshotType;
import dev.palisade.workflow.domain.TaskKind;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.domain.TaskStatus;
import dev.palisade.workflow.domain.Upload;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.Optional;

/**
 * One team's data inside one transaction ({@link Store#inTeam}). Every method reads or writes rows of
 * {@link #team()} only: an id belonging to another team behaves exactly like an unknown id.
 * Valid only while the work that received it runs.
 */
public interface TeamStore {

    Team team();

    // --- clients -------------------------------------------------------------------------------

    /** The client with this email (compared case-insensitively), created with {@code name} if new. */
    Client findOrCreateClient(String email, String name, Instant now);

    Optional<Client> client(String clientId);

    // --- conversations and messages ------------------------------------------------------------

    Conversation createConversation(String clientId, String eventId, Instant now);

    Optional<Conversation> conversation(String conversationId);

    /** The newest conversation about this event (an event normally has exactly one). */
    Optional<Conversation> conversationOfEvent(String eventId);

    Message addMessage(String conversationId, Direction direction, String body, Instant now);

    /** The conversation's messages, oldest first, at most {@code limit} of the newest. */
    List<Message> messages(String conversationId, int limit);

    // --- events --------------------------------------------------------------------------------

    void insertEvent(Event event);

    /** Writes the event whole; false if it does not exist (in this team). */
    boolean updateEvent(Event event);

    Optional<Event> event(String eventId);

    /** The team's events, newest first. */
    List<Event> events(int limit);

    // --- rooms ---------------------------------------------------------------------------------

    /** The team's room catalogue; a team's first call seeds the default catalogue. */
    List<Room> rooms();

    /** Ids of rooms held on {@code date} by events other than {@code exceptEventId} ({@code OPTION} or {@code CONFIRMED}). */
    List<String> roomsTakenOn(LocalDate date, String exceptEventId);

    // --- offers and deposits -------------------------------------------------------------------

    void insertOffer(Offer offer);

    boolean updateOffer(Offer offer);

    /** The event's newest offer that is not {@code WITHDRAWN}. */
    Optional<Offer> currentOffer(String eventId);

    void insertDeposit(Deposit deposit);

    boolean updateDeposit(Deposit deposit);

    Optional<Deposit> depositForEvent(String eventId);

    // --- human-in-the-loop tasks ---------------------------------------------------------------

    void insertTask(HilTask task);

    Optional<HilTask> task(String taskId);

    /** Tasks with this status, or all when {@code status} is null; newest first, at most {@code limit}. */
    List<HilTask> tasks(TaskStatus status, int limit);

    /**
     * Moves an {@code OPEN} task to {@code decided.status()}; false if the task is unknown or no
     * longer open (so two managers cannot both approve it).
     */
    boolean decideTask(HilTask decided);

    /**
     * Moves the event's {@code OPEN} tasks of these kinds to {@code REJECTED}, decided by
     * {@code decidedBy} at {@code now}: their drafts no longer match the booking. Returns how many.
     */
    int closeOpenTasks(String eventId, Set<TaskKind> kinds, String decidedBy, Instant now);

    // --- snapshots -----------------------------------------------------------------------------

    /**
     * Stores a snapshot expiring after its type's TTL. Keeps at most 500 per team: the oldest are
     * deleted to make room.
     */
    Snapshot createSnapshot(String eventId, SnapshotType type, String payload, Instant now);

    /** Deletes the event's snapshots (called when it is confirmed or cancelled); returns how many. */
    int deleteSnapshotsOfEvent(String eventId);

    // --- outbox --------------------------------------------------------------------------------

    OutboxEmail enqueueEmail(String recipient, String subject, String body, Instant now);

    /** Pending emails due at {@code now}, oldest first. */
    List<OutboxEmail> dueEmails(Instant now, int limit);

    /**
     * The oldest pending email due at {@code now}, claimed until {@code leaseUntil}: its next attempt moves
     * to {@code leaseUntil}, so no other sender (in this process or another sharing the database) finds it
     * due while this one sends it. The email is returned as it was before the claim. Empty when none is due.
     */
    Optional<OutboxEmail> claimDueEmail(Instant now, Instant leaseUntil);

    /** Marks a pending email sent; false if it was already sent (it is never sent twice). */
    boolean markEmailSent(String emailId, Instant now);

    /** Records a failed attempt and when to try again. */
    void markEmailRetry(String emailId, int attempts, Instant nextAttemptAt);

    /** Pending emails of this team. */
    long outboxDepth();

    // --- uploads -------------------------------------------------------------------------------

    void insertUpload(Upload upload);

    Optional<Upload> upload(String uploadId);

    // --- team config ---------------------------------------------------------------------------

    /** Where human-in-the-loop notices go; empty when not configured. */
    Optional<String> hilEmail();

    void setHilEmail(String address);
}
