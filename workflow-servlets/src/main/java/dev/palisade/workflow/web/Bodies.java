package dev.palisade.workflow.web;

import java.util.List;

/**
 * Request bodies as the API accepts them. Binding is strict (see {@link Json}); the values are then
 * validated by the servlet with {@link Fields}, so every refusal names its field.
 */
public final class Bodies {
    private Bodies() {
    }

    /** A route that takes no fields: {@code {}} or no body at all. */
    public record Empty() {
    }

    /** {@code POST /api/start-conversation}. */
    public record StartConversation(String email, String name, String message) {
    }

    /** {@code POST /api/send-message}. */
    public record SendMessage(String conversationId, String message) {
    }

    /** {@code POST /api/events/{id}/availability}: each field optional, overriding the event's. */
    public record AvailabilityCheck(String date, Integer guests, List<String> wishes) {
    }

    /** {@code POST /api/tasks/{id}/approve}: the manager's edited reply, or none to send the draft. */
    public record Approval(String reply) {
    }

    /** {@code POST /api/tasks/{id}/reject}: an optional note, kept out of the client's sight. */
    public record Rejection(String reason) {
    }

    /** {@code PUT /api/config/hil-email}. */
    public record HilEmail(String email) {
    }

    /** {@code POST /api/event/deposit/pay} (dev mock of a payment callback). */
    public record DepositPayment(String eventId) {
    }

    /** {@code POST /api/emails/test}: where to send; the team's HIL address when omitted. */
    public record TestEmail(String to) {
    }
}
