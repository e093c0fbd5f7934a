package dev.palisade.workflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.workflow.store.StoreException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class TransientFailuresTest {

    @Test
    void aDatabaseThatCannotServeNowIsTransient() {
        assertThat(TransientFailures.isTransient(new SQLTransientConnectionException("pool wait ran out"))).isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("connection refused", "08001"))).isTrue();
        // HikariCP's wait for a connection interrupted by a stop: a 503, not a 500 with an ERROR.
        assertThat(TransientFailures.isTransient(new SQLException("HikariPool-1 - Interrupted during connection acquisition",
                new InterruptedException()))).isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("lock timeout", "55P03"))).isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("statement timeout", "57014"))).isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("shutting down", "57P01"))).isTrue();
        assertThat(TransientFailures.isTransient(new StoreException("SQL failed",
                new SQLException("deadlock detected", "40P01")))).as("through a wrapper").isTrue();
    }

    @Test
    void failingWorkIsNotTransient() {
        assertThat(TransientFailures.isTransient(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(TransientFailures.isTransient(new SQLIntegrityConstraintViolationException("fk"))).isFalse();
        assertThat(TransientFailures.isTransient(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(TransientFailures.isTransient(new SQLException("no state"))).isFalse();
        assertThat(TransientFailures.isTransient(new StoreException("column holds no JSON list"))).isFalse();
        assertThat(TransientFailures.isTransient(new IllegalStateException("defect"))).isFalse();
    }
}
