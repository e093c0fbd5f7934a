package dev.palisade.workflow.domain;

import java.time.Instant;

/**
 * A human-in-the-loop task: a drafted reply that goes out only when a manager approves it.
 *
 * @param draft     the reply as drafted; on approval it is queued to the client
 * @param decidedBy the deciding key's subject, {@code null} while open
 */
public record HilTask(
        String id,
        String eventId,
        String conversationId,
        TaskKind kind,
        TaskStatus status,
        String draft,
        Instant createdAt,
        Instant decidedAt,
        String decidedBy) {

    public HilTask decided(TaskStatus newStatus, String by, Instant now) {
        return new HilTask(id, eventId, conversationId, kind, newStatus, draft, createdAt, now, by);
    }
}
