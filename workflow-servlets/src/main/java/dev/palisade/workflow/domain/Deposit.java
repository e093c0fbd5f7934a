package dev.palisade.workflow.domain;

import java.time.Instant;

/** The deposit asked for an accepted offer; {@code paidAt} is {@code null} until paid. */
public record Deposit(
        String id, String eventId, long amountCents, String currency, DepositStatus status, Instant createdAt,
        Instant paidAt) {

    public Deposit paid(Instant now) {
        return new Deposit(id, eventId, amountCents, currency, DepositStatus.PAID, createdAt, now);
    }
}
