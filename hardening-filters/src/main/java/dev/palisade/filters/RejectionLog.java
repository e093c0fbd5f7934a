package dev.palisade.filters;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Counts the requests a filter rejects and logs them as aggregated counts — at most one WARN per
 * interval — instead of one line per request, so an attack cannot flood the log. The first
 * rejection is logged at once; those after it are summed and logged with the first rejection or
 * the first request ({@link #flushIfDue()}, which the filters call for each request they see) after
 * the interval, or by {@link #flush()} (the filters call it from {@code destroy()}). There is no
 * timer thread, so after a burst the tail waits for the next request a minute on, or for the stop;
 * {@link #total()} is always exact, for metrics.
 */
public final class RejectionLog {
    static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Logger logger;
    private final String verb;
    private final String what;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final LongAdder total = new LongAdder();
    private final LongAdder sinceLastLine = new LongAdder();
    private final AtomicLong lastLineAt;
    /** Whether something may be counted since the last line: lets {@link #flushIfDue()} return after one read. */
    private volatile boolean pending;
    private final long createdAt;
    /** Appended to each line: the latest circumstance, such as the last failure's message. */
    private final Supplier<String> detail;

    /**
     * @param what a fixed phrase naming the rejection, such as {@code "requests over the size limit (413)"}
     */
    public RejectionLog(Logger logger, String what) {
        this(logger, what, DEFAULT_INTERVAL_NANOS, System::nanoTime);
    }

    RejectionLog(Logger logger, String what, long intervalNanos, LongSupplier nanoClock) {
        this(logger, "Rejected", what, intervalNanos, nanoClock);
    }

    /**
     * Counts something other than rejections: {@code verb} starts each line ({@code "Let through"}),
     * so that a count of requests let through does not read as requests refused.
     */
    RejectionLog(Logger logger, String verb, String what) {
        this(logger, verb, what, DEFAULT_INTERVAL_NANOS, System::nanoTime);
    }

    /** As above, with {@code detail} appended to each line (log-safe text; empty for none). */
    RejectionLog(Logger logger, String verb, String what, Supplier<String> detail) {
        this(logger, verb, what, DEFAULT_INTERVAL_NANOS, System::nanoTime, detail);
    }

    RejectionLog(Logger logger, String verb, String what, long intervalNanos, LongSupplier nanoClock) {
        this(logger, verb, what, intervalNanos, nanoClock, () -> "");
    }

    RejectionLog(Logger logger, String verb, String what, long intervalNanos, LongSupplier nanoClock,
            Supplier<String> detail) {
        this.detail = detail;
        this.logger = logger;
        this.verb = verb;
        this.what = what;
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
        // The first rejection is logged at once; later ones are summed per interval.
        this.createdAt = nanoClock.getAsLong();
        this.lastLineAt = new AtomicLong(createdAt - intervalNanos);
    }

    /** Records one rejection; logs the count when the interval since the last line has passed. */
    public void record() {
        total.increment();
        sinceLastLine.increment();
        if (!pending) {
            pending = true;
        }
        logIfDue();
    }

    /**
     * Logs what was counted once the interval since the last line has passed: the filters call it for
     * every request they see, so that a burst's tail is logged with the next request after the
     * interval, not only with the next rejection. One volatile read when nothing is counted.
     */
    public void flushIfDue() {
        if (pending) {
            logIfDue();
        }
    }

    private void logIfDue() {
        long now = nanoClock.getAsLong();
        long last = lastLineAt.get();
        if (now - last >= intervalNanos && lastLineAt.compareAndSet(last, now)) {
            // Cleared before the sum: a rejection counted after it sets it again and is logged later.
            pending = false;
            long count = sinceLastLine.sumThenReset();
            // Zero only when a racing rejection set the flag again after its count was logged.
            if (count > 0) {
                log(count, now, last);
            }
        }
    }

    /** Logs what was counted since the last line, if anything. */
    public void flush() {
        pending = false;
        long count = sinceLastLine.sumThenReset();
        if (count > 0) {
            long now = nanoClock.getAsLong();
            log(count, now, lastLineAt.getAndSet(now));
        }
    }

    private void log(long count, long now, long previousLineAt) {
        if (previousLineAt - createdAt < 0) {
            logger.warn("{} {} {}{} (the first since start; from now on counted and logged at most once every {} s)",
                    verb, count, what, detail.get(), TimeUnit.NANOSECONDS.toSeconds(intervalNanos));
            return;
        }
        // The span is the time since the previous line: after a quiet spell it is longer than the
        // interval, and the count covers all of it.
        // To the nearest second, at least 1: a flush at stop soon after a line must not claim "in
        // the last 0 s", nor a line a few milliseconds past the interval "61 s".
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(now - previousLineAt + TimeUnit.MILLISECONDS.toNanos(500)));
        logger.warn("{} {} {} in the last {} s{}", verb, count, what, seconds, detail.get());
    }

    /** Every rejection recorded since start. */
    public long total() {
        return total.sum();
    }
}
