package dev.palisade.filters;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.Locale;

/**
 * One client's allowance: a token bucket holding up to {@code burst} tokens, refilled greedily at
 * {@code rps} tokens per second (fractions allowed: 0.5 is one request every two seconds). Built
 * once; every bucket of a store shares its {@link BucketConfiguration}.
 *
 * <p>Also renders the IETF draft fields (draft-ietf-httpapi-ratelimit-headers): the policy
 * {@code "default";q=<quota>;w=<seconds to refill a full burst, rounded up>} is a constant string,
 * the quota being what the rate refills in that window, rounded down (never less than the burst,
 * which the window was rounded up from). So the policy never advertises a faster rate than the real
 * one (a client pacing itself by it is never refused), and rounding the window up does not make it
 * much slower: a burst of 1 at 1000 per second reads {@code q=1000;w=1}, not {@code q=1;w=1}.
 */
public final class Quota {
    /** Above this a per-client limit is meaningless and the refill period underflows. */
    static final double MAX_RPS = 1_000_000;
    static final long MAX_BURST = 1_000_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double rps;
    private final long burst;
    private final long fullRefillNanos;
    private final long windowSeconds;
    private final BucketConfiguration configuration;
    private final String policyField;

    /**
     * @throws InvalidSettingException naming {@code rps} or {@code burst} when out of range
     */
    public Quota(double rps, long burst) {
        if (!(rps > 0) || rps > MAX_RPS || Double.isNaN(rps)) {
            throw InvalidSettingException.badValue("rps", Double.toString(rps), "a number > 0 and <= 1000000");
        }
        if (burst < 1 || burst > MAX_BURST) {
            throw InvalidSettingException.badValue("burst", Long.toString(burst), "a whole number >= 1 and <= 1000000000");
        }
        this.rps = rps;
        this.burst = burst;
        // Refill `burst` tokens per burst/rps seconds: the same rate as rps per second, but an
        // integral token count, which is what Bucket4j takes, however fractional rps is.
        double nanos = Math.ceil(burst * (NANOS_PER_SECOND / rps));
        if (nanos >= Long.MAX_VALUE / 4) {
            throw InvalidSettingException.badValue("rps", Double.toString(rps), "a larger rate for burst " + burst);
        }
        this.fullRefillNanos = Math.max(1, (long) nanos);
        this.windowSeconds = Math.max(1, (fullRefillNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
        Bandwidth bandwidth = Bandwidth.builder()
                .capacity(burst)
                .refillGreedy(burst, Duration.ofNanos(fullRefillNanos))
                .build();
        this.configuration = BucketConfiguration.builder().addLimit(bandwidth).build();
        long quota = Math.max(burst, (long) Math.floor(rps * windowSeconds));
        this.policyField = "\"default\";q=" + quota + ";w=" + windowSeconds;
    }

    public double rps() {
        return rps;
    }

    public long burst() {
        return burst;
    }

    /** Time for an empty bucket to fill up: a bucket idle this long is as good as a new one. */
    public long fullRefillNanos() {
        return fullRefillNanos;
    }

    /** The policy window in whole seconds ({@code w=}), at least 1. */
    public long windowSeconds() {
        return windowSeconds;
    }

    /** The Bucket4j configuration every bucket of this quota shares. */
    public BucketConfiguration bucketConfiguration() {
        return configuration;
    }

    /** {@code RateLimit-Policy} value. */
    String policyField() {
        return policyField;
    }

    /** {@code RateLimit} value: remaining tokens and whole seconds until the bucket is full again. */
    static String rateLimitField(long remaining, long nanosToReset) {
        return "\"default\";r=" + remaining + ";t=" + ceilSeconds(nanosToReset);
    }

    /** Whole seconds, rounded up; 0 stays 0. */
    static long ceilSeconds(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        return (nanos - 1) / NANOS_PER_SECOND + 1;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Quota that && Double.compare(that.rps, rps) == 0 && that.burst == burst;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(rps) * 31 + Long.hashCode(burst);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s rps, burst %d", rps, burst);
    }
}
