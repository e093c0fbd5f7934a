package dev.palisade.filters;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

/**
 * Where the per-client token buckets live. The filter only ever asks one question, "may this
 * client spend a token now?", so the in-memory store and a shared one (Redis) are interchangeable
 * without touching the filter.
 *
 * <p>Implementations are thread-safe, and bounded: a flood of distinct clients must not grow them
 * without limit.
 */
public interface BucketStore {
    /**
     * Takes one token from {@code clientKey}'s bucket, creating a full bucket for a new client.
     * The probe says whether the token was granted, how many remain, and the nanoseconds until the
     * next token and until the bucket is full again.
     *
     * @throws RuntimeException when a remote store cannot be reached; the filter then lets the
     *     request through and counts the failure
     */
    ConsumptionProbe tryConsume(String clientKey);

    /**
     * Decisions the store made without its shared state because that state could not be reached
     * (a remote store deciding with its process's own buckets); 0 for a store that cannot fail.
     */
    default long failureCount() {
        return 0;
    }

    /** Logs what the store counted since its last log line; the filter calls it from {@code destroy()}. */
    default void flush() {
        // Nothing counted by default.
    }

    /** Makes the store for one filter, given that filter's quota and clock. */
    @FunctionalInterface
    interface Factory {
        BucketStore create(Quota quota, TimeMeter clock);
    }
}
