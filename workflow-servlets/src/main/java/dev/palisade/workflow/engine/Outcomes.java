package dev.palisade.workflow.engine;

import dev.palisade.workflow.domain.EventStatus;
import dev.palisade.workflow.domain.Step;
import dev.palisade.workflow.domain.TaskStatus;
import java.util.List;

/** What the workflow's operations return to their callers (the servlets). */
public final class Outcomes {
    private Outcomes() {
    }

    /** A new conversation: the drafted first reply waits in task {@code taskId}. */
    public record Started(String conversationId, String clientId, String eventId, String reply, String taskId,
            Step step) {
    }

    /** A client message handled: the drafted reply waits in task {@code taskId}. */
    public record Handled(String eventId, String reply, Step step, EventStatus status, String taskId) {
    }

    /**
     * A room check: {@code rooms} are the ids proposed, best first (empty when nothing fits);
     * {@code snapshotId} is the rooms page, {@code null} when nothing fits.
     */
    public record Availability(String eventId, String reply, String taskId, Step step, List<String> rooms,
            String snapshotId) {
        public Availability {
            rooms = List.copyOf(rooms);
        }
    }

    /**
     * A task decided. {@code nextTaskId} is the task its approval created (the offer after an
     * availability approval), or {@code null}; {@code emailId} is the client email queued, {@code null}
     * on rejection.
     */
    public record Decided(String taskId, TaskStatus status, String eventId, Step step, EventStatus eventStatus,
            String emailId, String nextTaskId) {
    }

    /** A deposit recorded as paid; the confirmation waits in task {@code taskId}. */
    public record DepositPaid(String eventId, Step step, EventStatus status, String taskId) {
    }
}
