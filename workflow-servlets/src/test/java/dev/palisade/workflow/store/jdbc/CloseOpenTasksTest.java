package dev.palisade.workflow.store.jdbc;

import static dev.palisade.workflow.store.jdbc.StoreTestSupport.T0;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_A;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_B;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.newEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.workflow.domain.Conversation;
import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.EventStatus;
import dev.palisade.workflow.domain.HilTask;
import dev.palisade.workflow.domain.Ids;
import dev.palisade.workflow.domain.Step;
import dev.palisade.workflow.domain.TaskKind;
import dev.palisade.workflow.domain.TaskStatus;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.TeamStore;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link TeamStore#closeOpenTasks} on both databases (StaleTasksTest drives it through the workflow on SQLite
 * only): only the event's OPEN tasks of the kinds asked are closed, in the calling team, with the decision
 * recorded; another event's, another team's (row-level security on PostgreSQL) and decided tasks stay.
 */
class CloseOpenTasksTest extends OnBothDatabases {
    private static final Instant LATER = T0.plusMillis(90_123);

    @Test
    void closesOnlyTheEventsOpenTasksOfTheKindsAsked() {
        Event event = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "a@example.com", T0));
        Event other = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "b@example.com", T0));
        HilTask availability = open(TEAM_A, event, TaskKind.AVAILABILITY);
        HilTask offer = open(TEAM_A, event, TaskKind.OFFER);
        HilTask reply = open(TEAM_A, event, TaskKind.REPLY);
        HilTask deposit = open(TEAM_A, event, TaskKind.DEPOSIT_REQUEST);
        HilTask otherEvents = open(TEAM_A, other, TaskKind.OFFER);
        HilTask approved = open(TEAM_A, event, TaskKind.OFFER);
        store.inTeam(TEAM_A, (TeamStore s) -> s.decideTask(approved.decided(TaskStatus.APPROVED, "manager", T0)));

        int closed = store.inTeam(TEAM_A, (TeamStore s) -> s.closeOpenTasks(event.id(),
                EnumSet.of(TaskKind.AVAILABILITY, TaskKind.OFFER), "superseded", LATER));

        assertThat(closed).isEqualTo(2);
        assertThat(task(TEAM_A, availability)).isEqualTo(availability.decided(TaskStatus.REJECTED, "superseded", LATER));
        assertThat(task(TEAM_A, offer)).isEqualTo(offer.decided(TaskStatus.REJECTED, "superseded", LATER));
        assertThat(task(TEAM_A, reply)).isEqualTo(reply);
        assertThat(task(TEAM_A, deposit)).isEqualTo(deposit);
        assertThat(task(TEAM_A, otherEvents)).isEqualTo(otherEvents);
        assertThat(task(TEAM_A, approved).status()).isEqualTo(TaskStatus.APPROVED);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.closeOpenTasks(event.id(), Set.of(), "superseded", LATER)))
                .isZero();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.closeOpenTasks(event.id(),
                EnumSet.allOf(TaskKind.class), "superseded", LATER))).isEqualTo(2);
    }

    /** The same event id in another team (ids are per team in the schema): its tasks are not this team's to close. */
    @Test
    void leavesAnotherTeamsTasksAlone() {
        Event event = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "a@example.com", T0));
        Event twin = store.inTeam(TEAM_B, (TeamStore s) -> {
            Event mine = newEvent(s, "a@example.com", T0);
            Event sameId = new Event(event.id(), mine.clientId(), EventStatus.LEAD, Step.INTAKE, null, false, null,
                    List.of(), null, T0, T0);
            s.insertEvent(sameId);
            return sameId;
        });
        HilTask ours = open(TEAM_A, event, TaskKind.OFFER);
        HilTask theirs = open(TEAM_B, twin, TaskKind.OFFER);

        int closed = store.inTeam(TEAM_A, (TeamStore s) -> s.closeOpenTasks(event.id(), EnumSet.of(TaskKind.OFFER),
                "superseded", LATER));

        assertThat(closed).isEqualTo(1);
        assertThat(task(TEAM_A, ours).status()).isEqualTo(TaskStatus.REJECTED);
        assertThat(task(TEAM_B, theirs)).isEqualTo(theirs);
    }

    private HilTask open(Team team, Event event, TaskKind kind) {
        return store.inTeam(team, (TeamStore s) -> {
            Conversation conversation = s.createConversation(event.clientId(), event.id(), T0);
            HilTask task = new HilTask(Ids.newId(), event.id(), conversation.id(), kind, TaskStatus.OPEN, "draft", T0,
                    null, null);
            s.insertTask(task);
            return task;
        });
    }

    private HilTask task(Team team, HilTask task) {
        return store.inTeam(team, (TeamStore s) -> s.task(task.id())).orElseThrow();
    }
}
