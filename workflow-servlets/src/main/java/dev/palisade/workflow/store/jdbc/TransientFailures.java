package dev.palisade.workflow.store.jdbc;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/** Tells a database that cannot serve now (worth a retry) from work that fails (a defect, a constraint). */
final class TransientFailures {
    /** SQLite's result codes for a database locked by another connection. */
    private static final Set<Integer> SQLITE_BUSY_OR_LOCKED = Set.of(5, 6);
    /**
     * PostgreSQL SQLSTATEs: serialization failure, deadlock, lock not available (lock_timeout), query
     * canceled (statement_timeout), too many connections, and the server shutting down or starting.
     */
    private static final Set<String> POSTGRES_STATES = Set.of("40001", "40P01", "55P03", "57014", "53300", "57P01",
            "57P02", "57P03");

    private TransientFailures() {
    }

    /** Whether {@code failure} or one of its causes says the database could not serve now. */
    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof InterruptedException) {
                // A wait for a connection or a lock cut short (the server stopping): nothing was done.
                return true;
            }
            if (t instanceof SQLException sql && isTransient(sql)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTransient(SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || POSTGRES_STATES.contains(state))) {
            return true;
        }
        return sql.getClass().getName().startsWith("org.sqlite.") && SQLITE_BUSY_OR_LOCKED.contains(sql.getErrorCode());
    }
}
