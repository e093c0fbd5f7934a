package dev.palisade.workflow.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A booking enquiry and everything decided about it so far. Immutable: the workflow derives a new
 * value with the {@code with*} methods and the store writes it whole.
 *
 * @param date         requested date, {@code null} until the client names one
 * @param dateConfirmed whether the client confirmed {@link #date()} (step 2)
 * @param guests       expected guests, {@code null} until known
 * @param wishes       requested room features (e.g. {@code projector}), lower case
 * @param roomId       the room offered or booked, {@code null} before step 4
 */
public record Event(
        String id,
        String clientId,
        EventStatus status,
        Step step,
        LocalDate date,
        boolean dateConfirmed,
        Integer guests,
        List<String> wishes,
        String roomId,
        Instant createdAt,
        Instant updatedAt) {

    public Event {
        wishes = List.copyOf(wishes);
    }

    public Event withStatus(EventStatus newStatus, Instant now) {
        return new Event(id, clientId, newStatus, step, date, dateConfirmed, guests, wishes, roomId, createdAt, now);
    }

    public Event withStep(Step newStep, Instant now) {
        return new Event(id, clientId, status, newStep, date, dateConfirmed, guests, wishes, roomId, createdAt, now);
    }

    public Event withDetails(LocalDate newDate, boolean newDateConfirmed, Integer newGuests, List<String> newWishes,
            Instant now) {
        return new Event(id, clientId, status, step, newDate, newDateConfirmed, newGuests, newWishes, roomId,
                createdAt, now);
    }

    public Event withRoom(String newRoomId, Instant now) {
        return new Event(id, clientId, status, step, date, dateConfirmed, guests, wishes, newRoomId, createdAt, now);
    }
}
