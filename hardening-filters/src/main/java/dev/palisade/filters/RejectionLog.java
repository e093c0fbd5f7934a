package dev.palisade.filters;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Counts the requests a filter rejects and logs them as aggregated counts — at most one WARN per
 * interval — instead of one line per request, so an attack cannot flood the log. The running
 * total is exposed for metrics.
 */
public final class RejectionLog {
    static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Logger logger;
    private final String what;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final LongAdder total = new LongAdder();
    private final LongAdder sinceLastLine = new LongAdder();
    private final AtomicLong lastLineAt;

    /**
     * @param what a fixed phrase naming the rejection, such as {@code "requests over the size limit (413)"}
     */
    public RejectionLog(Logger logger, String what) {
        this(logger, what, DEFAULT_INTERVAL_NANOS, System::nanoTime);
    }

    RejectionLog(Logger logger, String what, long intervalNanos, LongSupplier nanoClock) {
        this.logger = logger;
        this.what = what;
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
        // The first rejection is logged at once; later ones are summed per interval.
        this.lastLineAt = new AtomicLong(nanoClock.getAsLong() - intervalNanos);
    }

    /** Records one rejection; logs the count when the interval since the last line has passed. */
    public void record() {
        total.increment();
        sinceLastLine.increment();
        long now = nanoClock.getAsLong();
        long last = lastLineAt.get();
        if (now - last >= intervalNanos && lastLineAt.compareAndSet(last, now)) {
            long count = sinceLastLine.sumThenReset();
            logger.warn("Rejected {} {} in the last {} s", count, what,
                    TimeUnit.NANOSECONDS.toSeconds(Math.min(now - last, intervalNanos)));
        }
    }

    /** Every rejection recorded since start. */
    public long total() {
        return total.sum();
    }
}
