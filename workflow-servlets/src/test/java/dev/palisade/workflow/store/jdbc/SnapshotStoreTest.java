package dev.palisade.workflow.store.jdbc;

import static dev.palisade.workflow.store.jdbc.StoreTestSupport.T0;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_A;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_B;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.newEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.EventStatus;
import dev.palisade.workflow.domain.Snapshot;
import dev.palisade.workflow.domain.SnapshotType;
import dev.palisade.workflow.store.TeamStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SnapshotStoreTest extends OnBothDatabases {

    private Event event;

    @BeforeEach
    void oneEvent() {
        event = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "snap@example.com", T0));
    }

    @Test
    void createsUnguessableIdsAndExpiresByType() {
        Snapshot offer = create(event.id(), SnapshotType.OFFER);
        Snapshot rooms = create(event.id(), SnapshotType.ROOMS);
        Snapshot qna = create(null, SnapshotType.QNA);

        assertThat(List.of(offer.id(), rooms.id(), qna.id())).allMatch(id -> id.matches("[0-9a-f]{32}"))
                .doesNotHaveDuplicates();
        assertThat(offer.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(7)));
        assertThat(qna.expiresAt()).isEqualTo(T0.plus(Duration.ofDays(365)));

        clock.advance(Duration.ofDays(7).minusMillis(1));
        assertThat(store.snapshot(offer.id(), clock.instant())).contains(offer);
        assertThat(store.snapshot(rooms.id(), clock.instant())).contains(rooms);

        clock.advance(Duration.ofMillis(1));
        assertThat(store.snapshot(offer.id(), clock.instant())).isEmpty();
        assertThat(store.snapshot(rooms.id(), clock.instant())).isEmpty();
        assertThat(store.snapshot(qna.id(), clock.instant())).contains(qna);

        clock.advance(Duration.ofDays(358));
        assertThat(store.snapshot(qna.id(), clock.instant())).isEmpty();
    }

    @Test
    void unknownIdIsEmpty() {
        assertThat(store.snapshot("0123456789abcdef0123456789abcdef", T0)).isEmpty();
        assertThat(store.snapshot("", T0)).isEmpty();
        assertThat(store.snapshot(null, T0)).isEmpty();
    }

    @Test
    void keepsAtMost500PerTeamEvictingTheOldest() {
        Snapshot otherTeams = store.inTeam(TEAM_B, (TeamStore s) -> s.createSnapshot(null, SnapshotType.QNA, "{}", T0));
        List<Snapshot> created = store.inTeam(TEAM_A, (TeamStore s) -> {
            List<Snapshot> all = new ArrayList<>();
            for (int i = 0; i < 503; i++) {
                all.add(s.createSnapshot(null, SnapshotType.QNA, "{\"n\":" + i + "}", T0.plusSeconds(i)));
            }
            return all;
        });
        var now = T0.plusSeconds(600);

        assertThat(created.subList(0, 3)).allSatisfy(s -> assertThat(store.snapshot(s.id(), now)).isEmpty());
        assertThat(created.subList(3, 503)).allSatisfy(s -> assertThat(store.snapshot(s.id(), now)).contains(s));
        assertThat(store.snapshot(otherTeams.id(), now)).contains(otherTeams);
    }

    @Test
    void deletesTheSnapshotsOfAnEvent() {
        Snapshot offer = create(event.id(), SnapshotType.OFFER);
        Snapshot rooms = create(event.id(), SnapshotType.ROOMS);
        Snapshot qna = create(null, SnapshotType.QNA);

        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.deleteSnapshotsOfEvent(event.id()))).isEqualTo(2);
        assertThat(store.snapshot(offer.id(), T0)).isEmpty();
        assertThat(store.snapshot(rooms.id(), T0)).isEmpty();
        assertThat(store.snapshot(qna.id(), T0)).contains(qna);
    }

    @Test
    void offerPagesEndWithTheirEventEvenBeforeDeletion() {
        Snapshot offer = create(event.id(), SnapshotType.OFFER);
        Snapshot qna = create(event.id(), SnapshotType.QNA);
        store.inTeam(TEAM_A, (TeamStore s) -> s.updateEvent(event.withStatus(EventStatus.CANCELLED, T0)));

        assertThat(store.snapshot(offer.id(), T0)).isEmpty();
        assertThat(store.snapshot(qna.id(), T0)).contains(qna);
        assertThat(store.purgeExpiredSnapshots(T0)).isEqualTo(1);
    }

    @Test
    void purgesExpiredSnapshotsOfEveryTeam() {
        create(event.id(), SnapshotType.OFFER);
        Snapshot qna = create(null, SnapshotType.QNA);
        store.inTeam(TEAM_B, (TeamStore s) -> s.createSnapshot(null, SnapshotType.QNA, "{}", T0.minus(Duration.ofDays(400))));

        assertThat(store.purgeExpiredSnapshots(T0.plus(Duration.ofDays(8)))).isEqualTo(2);
        assertThat(store.purgeExpiredSnapshots(T0.plus(Duration.ofDays(8)))).isZero();
        assertThat(store.snapshot(qna.id(), T0.plus(Duration.ofDays(8)))).contains(qna);
    }

    private Snapshot create(String eventId, SnapshotType type) {
        return store.inTeam(TEAM_A, (TeamStore s) -> s.createSnapshot(eventId, type, "{\"type\":\"" + type + "\"}",
                clock.instant()));
    }
}
