package dev.palisade.workflow.store.jdbc;

import static dev.palisade.workflow.store.jdbc.StoreTestSupport.T0;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_A;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.newEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.store.TeamStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InTeamTransactionTest extends OnBothDatabases {

    @Test
    void rollsBackEveryWriteOfWorkThatThrows() {
        List<String> ids = new ArrayList<>();
        assertThatThrownBy(() -> store.inTeam(TEAM_A, (TeamStore s) -> {
            Event event = newEvent(s, "rollback@example.com", T0);
            ids.add(event.id());
            ids.add(event.clientId());
            s.setHilEmail("never@venue.example");
            throw new IllegalStateException("workflow failed half way");
        })).isInstanceOf(IllegalStateException.class).hasMessage("workflow failed half way");

        store.inTeam(TEAM_A, (TeamStore s) -> {
            assertThat(s.event(ids.get(0))).isEmpty();
            assertThat(s.client(ids.get(1))).isEmpty();
            assertThat(s.hilEmail()).isEmpty();
            assertThat(s.events(10)).isEmpty();
            return null;
        });
    }

    @Test
    void concurrentReadModifyWriteLosesNoUpdate() throws Exception {
        Event event = store.inTeam(TEAM_A, (TeamStore s) -> {
            Event created = newEvent(s, "count@example.com", T0);
            Event zero = created.withDetails(null, false, 0, List.of(), T0);
            s.updateEvent(zero);
            return zero;
        });
        int threads = 8;
        int incrementsEach = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < incrementsEach; i++) {
                        store.inTeam(TEAM_A, (TeamStore s) -> {
                            Event current = s.event(event.id()).orElseThrow();
                            return s.updateEvent(current.withDetails(null, false, current.guests() + 1, List.of(), T0));
                        });
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.event(event.id())).orElseThrow().guests())
                .isEqualTo(threads * incrementsEach);
    }

    @Test
    void refusesNestedWorkInsteadOfDeadlocking() {
        assertThatThrownBy(() -> store.inTeam(TEAM_A, (TeamStore outer) ->
                store.inTeam(TEAM_A, (TeamStore inner) -> inner.events(1))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not nest");
        // The refusal released everything: the next work runs.
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.events(1))).isEmpty();
    }

    @Test
    void refusesATeamStoreKeptPastItsWork() {
        TeamStore escaped = store.inTeam(TEAM_A, (TeamStore s) -> s);
        assertThatThrownBy(() -> escaped.events(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesWorkAfterClose() {
        store.close();
        assertThatThrownBy(() -> store.inTeam(TEAM_A, (TeamStore s) -> s.events(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
