package dev.palisade.workflow.domain;

import java.time.Instant;

/**
 * A read-only info page reachable by anyone holding its link {@code /s/{id}}.
 *
 * @param id       128-bit random id ({@link Ids#newSnapshotId()}): the link is the only credential
 * @param eventId  the event it belongs to, {@code null} for {@link SnapshotType#QNA}
 * @param payload  the page content as a JSON document
 */
public record Snapshot(String id, String eventId, SnapshotType type, String payload, Instant createdAt,
        Instant expiresAt) {
}
