package dev.palisade.workflow.store.jdbc;

import dev.palisade.workflow.domain.Client;
import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.EventStatus;
import dev.palisade.workflow.domain.Ids;
import dev.palisade.workflow.domain.Step;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.TeamStore;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Small builders shared by the store tests. */
final class StoreTestSupport {
    static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    static final Team TEAM_A = new Team("team-a");
    static final Team TEAM_B = new Team("team-b");

    private StoreTestSupport() {
    }

    static Event newEvent(TeamStore store, String email, Instant now) {
        Client client = store.findOrCreateClient(email, "Ada Client", now);
        Event event = new Event(Ids.newId(), client.id(), EventStatus.LEAD, Step.INTAKE, null, false, null, List.of(),
                null, now, now);
        store.insertEvent(event);
        return event;
    }

    static Event heldEvent(TeamStore store, String email, LocalDate date, String roomId, EventStatus status,
            Instant now) {
        Event lead = newEvent(store, email, now);
        Event held = lead.withDetails(date, true, 40, List.of("projector"), now).withRoom(roomId, now)
                .withStatus(status, now);
        store.updateEvent(held);
        return held;
    }
}
