package dev.palisade.workflow.domain;

import java.time.Instant;

/**
 * One outgoing email in the store's outbox. Its {@code id} doubles as the idempotency key sent to the
 * email service, so a retry after an unacknowledged success cannot deliver it twice.
 *
 * @param attempts      delivery attempts made so far
 * @param nextAttemptAt when the sender may try again
 */
public record OutboxEmail(
        String id,
        String recipient,
        String subject,
        String body,
        EmailStatus status,
        int attempts,
        Instant nextAttemptAt,
        Instant createdAt,
        Instant sentAt) {
}
