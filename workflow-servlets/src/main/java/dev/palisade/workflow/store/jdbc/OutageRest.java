package dev.palisade.workflow.store.jdbc;

import dev.palisade.workflow.store.StoreUnavailableException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails fast while the database is known to be down. Once the pool could not hand out a connection because it
 * could not connect, every caller is refused at once ({@link StoreUnavailableException}) for {@link #REST},
 * instead of each waiting out the pool's connection timeout and holding a request thread meanwhile; then one
 * caller tries the pool again (the others are still refused while it does), and its success ends the rest.
 * So an outage costs one connection timeout per rest, not one per request.
 *
 * <p>A pool that is merely exhausted (every connection busy, none failing) does not start a rest: the
 * database answers, and the next caller may well get a connection. The pool tells the two apart by the cause
 * it attaches to its timeout: the last connection failure, when there was one.
 */
final class OutageRest {
    /** How long callers are refused after a failure before one tries the database again. */
    static final Duration REST = Duration.ofSeconds(2);
    /** Longer than the pool's connection timeout: a trial that takes this long lets another caller try. */
    private static final Duration TRIAL_ALLOWANCE = Duration.ofSeconds(30);
    private static final long CLEAR = Long.MIN_VALUE;
    private static final Logger LOG = LoggerFactory.getLogger(OutageRest.class);

    private final String description;
    private final LongSupplier nanoClock;
    /** Clock time until which callers are refused, or {@link #CLEAR} while the database answers. */
    private final AtomicLong refuseUntil = new AtomicLong(CLEAR);

    OutageRest(String description, LongSupplier nanoClock) {
        this.description = description;
        this.nanoClock = nanoClock;
    }

    /**
     * Lets the caller ask the pool for a connection, or refuses it while the database rests.
     *
     * @return the state the caller goes to the pool under, to hand back to {@link #connected} or {@link #failed}
     * @throws StoreUnavailableException while the database is resting and another caller is trying it
     */
    long enter() {
        long until = refuseUntil.get();
        if (until == CLEAR) {
            return CLEAR;
        }
        long now = nanoClock.getAsLong();
        if (now - until >= 0) {
            long trial = now + TRIAL_ALLOWANCE.toNanos();
            if (refuseUntil.compareAndSet(until, trial)) {
                return trial;
            }
            until = refuseUntil.get();
        }
        long waitNanos = until == CLEAR ? 0 : Math.max(0, until - now);
        // A trial in progress may take the pool's whole timeout; the client is told the rest's length then.
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(Math.min(waitNanos, REST.toNanos()) + 999_999_999L));
        throw new StoreUnavailableException("database " + description + " is unreachable; not asked again yet",
                Duration.ofSeconds(seconds));
    }

    /** The caller got a connection: a trial that succeeded ends the rest. */
    void connected(long state) {
        // Only the trial's own state: a caller that went to the pool before the rest began must not end it.
        if (state != CLEAR && refuseUntil.compareAndSet(state, CLEAR)) {
            LOG.info("database {} answers again; requests go to it again", description);
        }
    }

    /** The pool could not hand out a connection: if the database could not be reached, rest. */
    void failed(long state, SQLException failure) {
        if (!couldNotConnect(failure)) {
            // Exhausted, not unreachable: a trial that got this far found the database answering.
            if (state != CLEAR) {
                refuseUntil.compareAndSet(state, CLEAR);
            }
            return;
        }
        long previous = refuseUntil.getAndSet(nanoClock.getAsLong() + REST.toNanos());
        if (previous == CLEAR) {
            LOG.warn("database {} unreachable ({}); store calls fail at once (503) and the database is tried again"
                    + " every {} s until it answers", description, Migrations.rootMessage(failure), REST.toSeconds());
        } else {
            LOG.debug("database {} still unreachable", description, failure);
        }
    }

    /**
     * Whether the pool's failure says it could not connect: HikariCP's timeout carries its last connection
     * failure as the cause, and a driver that fails directly reports a connection SQLSTATE (class 08); an
     * interrupted wait (HikariCP's "Interrupted during connection acquisition") does not.
     */
    static boolean couldNotConnect(SQLException failure) {
        if (failure.getCause() instanceof InterruptedException) {
            // The pool's wait was interrupted (a stop cutting the request): it says nothing of the database.
            return false;
        }
        String state = failure.getSQLState();
        return failure.getCause() != null || state != null && state.startsWith("08");
    }
}
