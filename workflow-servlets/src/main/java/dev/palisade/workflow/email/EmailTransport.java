package dev.palisade.workflow.email;

import dev.palisade.workflow.domain.OutboxEmail;

/** Hands one outbox email to the email service. */
public interface EmailTransport {

    /**
     * Delivers {@code email}, using its id as the idempotency key so a repeated call for the same
     * row is delivered once.
     *
     * @throws EmailDeliveryException when the service did not accept it (the row stays queued)
     */
    void send(OutboxEmail email) throws EmailDeliveryException;
}
