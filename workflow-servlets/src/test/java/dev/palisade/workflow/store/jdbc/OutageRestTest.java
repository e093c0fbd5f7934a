package dev.palisade.workflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.workflow.store.StoreUnavailableException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutageRestTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final OutageRest rest = new OutageRest("postgres://db:5432/app", nanos::get);

    private static SQLException unreachable() {
        return new SQLTransientConnectionException("Connection is not available, request timed out after 3000ms",
                "08001", new SQLException("Connection refused", "08001", new ConnectException("Connection refused")));
    }

    private static SQLException exhausted() {
        return new SQLTransientConnectionException("Connection is not available, request timed out after 3000ms"
                + " (total=8, active=8, idle=0, waiting=3)");
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Test
    void refusesAtOnceAfterTheDatabaseCouldNotBeReached() {
        rest.failed(rest.enter(), unreachable());

        assertThatThrownBy(rest::enter).isInstanceOfSatisfying(StoreUnavailableException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(OutageRest.REST));
    }

    @Test
    void anExhaustedPoolDoesNotRest() {
        rest.failed(rest.enter(), exhausted());

        rest.connected(rest.enter());
    }

    /** HikariCP's wait interrupted by a stop (a review: it was an ERROR and would have started a rest). */
    @Test
    void anInterruptedWaitForAConnectionDoesNotRest() {
        rest.failed(rest.enter(), new SQLException("HikariPool-1 - Interrupted during connection acquisition",
                new InterruptedException()));

        rest.connected(rest.enter());
    }

    @Test
    void letsOneCallerTryAfterTheRestAndItsSuccessEndsIt() {
        rest.failed(rest.enter(), unreachable());
        advance(OutageRest.REST);

        long trial = rest.enter();
        assertThatThrownBy(rest::enter).as("others while the trial runs").isInstanceOf(StoreUnavailableException.class);
        rest.connected(trial);

        rest.connected(rest.enter());
    }

    @Test
    void aFailedTrialRestsAgain() {
        rest.failed(rest.enter(), unreachable());
        advance(OutageRest.REST);

        rest.failed(rest.enter(), unreachable());

        assertThatThrownBy(rest::enter).isInstanceOf(StoreUnavailableException.class);
        advance(OutageRest.REST);
        assertThat(rest.enter()).isNotEqualTo(Long.MIN_VALUE);
    }

    @Test
    void aCallerThatWentToThePoolBeforeTheRestDoesNotEndIt() {
        long before = rest.enter();
        rest.failed(rest.enter(), unreachable());

        rest.connected(before);

        assertThatThrownBy(rest::enter).isInstanceOf(StoreUnavailableException.class);
    }
}
