package dev.palisade.workflow.web;

import dev.palisade.workflow.domain.Deposit;
import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.HilTask;
import dev.palisade.workflow.domain.Offer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Response documents: what the API shows of the domain, field by field. */
public final class Views {
    private Views() {
    }

    /** An event; {@code step} is the number 1..7 the contract reports, {@code stepName} its name. */
    public record EventView(String id, String clientId, String status, int step, String stepName, LocalDate date,
            boolean dateConfirmed, Integer guests, List<String> wishes, String roomId, Instant createdAt,
            Instant updatedAt, OfferView offer, DepositView deposit) {

        static EventView of(Event e) {
            return of(e, null, null);
        }

        static EventView of(Event e, Offer offer, Deposit deposit) {
            return new EventView(e.id(), e.clientId(), e.status().name(), e.step().number(), e.step().name(),
                    e.date(), e.dateConfirmed(), e.guests(), e.wishes(), e.roomId(), e.createdAt(), e.updatedAt(),
                    offer == null ? null : OfferView.of(offer), deposit == null ? null : DepositView.of(deposit));
        }
    }

    public record OfferView(String id, String roomId, long totalCents, String currency, String status, String link) {
        static OfferView of(Offer o) {
            return new OfferView(o.id(), o.roomId(), o.totalCents(), o.currency(), o.status().name(),
                    o.snapshotId() == null ? null : "/s/" + o.snapshotId());
        }
    }

    public record DepositView(String id, long amountCents, String currency, String status, Instant paidAt) {
        static DepositView of(Deposit d) {
            return new DepositView(d.id(), d.amountCents(), d.currency(), d.status().name(), d.paidAt());
        }
    }

    public record TaskView(String id, String eventId, String conversationId, String kind, String status,
            String draft, Instant createdAt, Instant decidedAt, String decidedBy) {
        static TaskView of(HilTask t) {
            return new TaskView(t.id(), t.eventId(), t.conversationId(), t.kind().name(), t.status().name(),
                    t.draft(), t.createdAt(), t.decidedAt(), t.decidedBy());
        }
    }

    public record EventList(List<EventView> events) {
    }

    public record TaskList(List<TaskView> tasks) {
    }
}
