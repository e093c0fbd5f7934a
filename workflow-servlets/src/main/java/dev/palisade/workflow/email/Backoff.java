package dev.palisade.workflow.email;

import java.time.Duration;

/**
 * When to try an email again after a failed attempt: {@code initial}, doubling with each failure up
 * to {@code max}, plus up to {@code jitter} of that (a fraction, e.g. 0.2 for +0..20%) so rows that
 * failed together do not retry in lockstep.
 */
public record Backoff(Duration initial, Duration max, double jitter) {
    /** 1 s, 2 s, 4 s ... up to 5 min, +0..20%. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2);

    public Backoff {
        if (initial == null || initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive");
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff must be at least the initial backoff");
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1");
        }
    }

    /**
     * The pause after the {@code failedAttempts}-th failed attempt (1 for the first).
     *
     * @param random a value in [0, 1) choosing where in the jitter range the pause falls
     */
    public Duration delayAfter(int failedAttempts, double random) {
        Duration base = max;
        int doublings = Math.max(0, failedAttempts - 1);
        // Past 2^40 doublings of any sensible initial value the cap applies anyway; this avoids overflow.
        if (doublings < 40) {
            Duration doubled = initial.multipliedBy(1L << doublings);
            if (doubled.compareTo(max) < 0) {
                base = doubled;
            }
        }
        return withJitter(base, random);
    }

    /** The longest pause: for emails the service refused outright, which stay queued but are retried rarely. */
    public Duration maxDelay(double random) {
        return withJitter(max, random);
    }

    private Duration withJitter(Duration base, double random) {
        double fraction = Math.min(Math.max(random, 0), 1) * jitter;
        return base.plusNanos((long) (base.toNanos() * fraction));
    }
}
