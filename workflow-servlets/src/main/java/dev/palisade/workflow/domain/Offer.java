package dev.palisade.workflow.domain;

import java.time.Instant;

/** A priced proposal of one room for one event; {@code snapshotId} is the info page sent with it ({@code /s/{id}}). */
public record Offer(
        String id,
        String eventId,
        String roomId,
        long totalCents,
        String currency,
        OfferStatus status,
        String snapshotId,
        Instant createdAt) {

    public Offer withStatus(OfferStatus newStatus) {
        return new Offer(id, eventId, roomId, totalCents, currency, newStatus, snapshotId, createdAt);
    }
}
