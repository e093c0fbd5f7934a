package dev.palisade.filters;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A Bucket4j clock that moves only when a test says so. Wall-clock based, so Redis stores accept it. */
final class FakeClock implements TimeMeter {
    private final AtomicLong nanos;

    FakeClock() {
        this(1_700_000_000_000_000_000L);
    }

    FakeClock(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Override
    public long currentTimeNanos() {
        return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
