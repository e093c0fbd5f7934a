package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.LogCapture;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The rest after a failed Redis call, against a backend whose calls the test holds and fails at
 * will (Bucket4j's compare-and-swap proxy over an in-process map): the interleaving in question
 * cannot be ordered through one Redis connection, whose replies come in the order sent.
 */
class RedisBucketStoreRestTest {
    /**
     * Holds calls for keys ending in "slow" until released; fails those ending in "broken" as a
     * key whose state cannot be read, and those ending in "timeout" with Bucket4j's timeout.
     */
    static final class GatedProxies extends AbstractCompareAndSwapBasedProxyManager<String> {
        final Map<String, byte[]> data = new ConcurrentHashMap<>();
        final CountDownLatch slowEntered = new CountDownLatch(1);
        final CountDownLatch releaseSlow = new CountDownLatch(1);
        final AtomicInteger backendCalls = new AtomicInteger();

        GatedProxies() {
            super(ClientSideConfig.getDefault());
        }

        @Override
        protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
            return new CompareAndSwapOperation() {
                @Override
                public Optional<byte[]> getStateData(Optional<Long> timeout) {
                    backendCalls.incrementAndGet();
                    if (key.endsWith("slow")) {
                        slowEntered.countDown();
                        try {
                            releaseSlow.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    if (key.endsWith("broken")) {
                        throw new IllegalStateException("unreadable state");
                    }
                    if (key.endsWith("readonly")) {
                        // As Lettuce's RedisReadOnlyException says it, under Bucket4j's wrapping.
                        throw new IllegalStateException("bucket4j", new IllegalStateException(
                                "READONLY You can't write against a read only replica."));
                    }
                    if (key.endsWith("timeout")) {
                        throw new io.github.bucket4j.TimeoutException("timed out", 500_000_001L, 500_000_000L);
                    }
                    return Optional.ofNullable(data.get(key));
                }

                @Override
                public boolean compareAndSwap(byte[] original, byte[] updated, RemoteBucketState state, Optional<Long> ttl) {
                    if (original == null) {
                        return data.putIfAbsent(key, updated) == null;
                    }
                    byte[] current = data.get(key);
                    return current != null && Arrays.equals(current, original) && data.replace(key, current, updated);
                }
            };
        }

        @Override
        protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeProxy(String key) {
            data.remove(key);
        }

        @Override
        protected CompletableFuture<Void> removeAsync(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isAsyncModeSupported() {
            return false;
        }
    }

    /**
     * A call sent before another failed, and answered after it, must not end the rest the failure
     * began (found by review: each late success sent the next calls to the failing backend at once,
     * a timeout each).
     */
    @Test
    void aCallAnsweredAfterAnotherFailedKeepsTheRest() throws Exception {
        GatedProxies proxies = new GatedProxies();
        AtomicLong restNanos = new AtomicLong(1_000_000_000L);
        RedisBucketStore store = new RedisBucketStore(proxies, new Quota(100, 100), new FakeClock(), restNanos::get);
        Thread slow = new Thread(() -> store.tryConsume("slow"));
        slow.start();
        assertThat(proxies.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
        store.tryConsume("timeout");
        assertThat(store.redisFailures()).isEqualTo(1);

        proxies.releaseSlow.countDown();
        slow.join(10_000);
        assertThat(slow.isAlive()).isFalse();
        long callsBefore = proxies.backendCalls.get();
        for (int i = 0; i < 5; i++) {
            assertThat(store.tryConsume("other-" + i).isConsumed()).as("decided here").isTrue();
        }

        assertThat(proxies.backendCalls.get()).as("resting").isEqualTo(callsBefore);
        assertThat(store.redisFailures()).isEqualTo(1);
        restNanos.addAndGet(RedisBucketStore.RETRY_AFTER_FAILURE.toNanos());
        store.tryConsume("timeout");
        assertThat(store.redisFailures()).as("asked again after the interval").isEqualTo(2);
    }

    /**
     * A failure about one key (a value Bucket4j cannot read there, a value of another type) rests
     * that key alone: every other client's checks still go to Redis (found by a review: one such
     * key sent every client of the process to its local buckets, 5 s at a time, for as long as
     * its client kept coming).
     */
    @Test
    void aFailureAboutOneKeyRestsThatKeyAlone() {
        GatedProxies proxies = new GatedProxies();
        AtomicLong restNanos = new AtomicLong(1_000_000_000L);
        RedisBucketStore store = new RedisBucketStore(proxies, new Quota(100, 100), new FakeClock(), restNanos::get);
        store.tryConsume("a-broken");
        assertThat(store.redisFailures()).isEqualTo(1);

        int calls = proxies.backendCalls.get();
        assertThat(store.tryConsume("a-broken").isConsumed()).as("decided here").isTrue();
        assertThat(proxies.backendCalls.get()).as("the failing key rests").isEqualTo(calls);
        store.tryConsume("fine");
        assertThat(proxies.backendCalls.get()).as("another key still asks Redis").isGreaterThan(calls);
        assertThat(proxies.data).containsKey(RedisBucketStore.quotaTag(new Quota(100, 100)) + "fine");

        restNanos.addAndGet(RedisBucketStore.RETRY_AFTER_FAILURE.toNanos());
        store.tryConsume("a-broken");
        assertThat(store.redisFailures()).as("asked again after the interval").isEqualTo(2);
    }

    /**
     * A refusal Redis gives every key (READONLY: a primary demoted without its clients being dropped,
     * a review with Sentinel) rests every key at once, not that key first.
     */
    @Test
    void aServerWideRefusalRestsEveryKeyAtOnce() {
        GatedProxies proxies = new GatedProxies();
        RedisBucketStore store = new RedisBucketStore(proxies, new Quota(100, 100), new FakeClock(), () -> 1_000L);
        store.tryConsume("a-readonly");
        int calls = proxies.backendCalls.get();

        assertThat(store.tryConsume("fine").isConsumed()).isTrue();
        assertThat(proxies.backendCalls.get()).as("every key rests").isEqualTo(calls);
        assertThat(RedisBucketStore.refusesEveryKey(new IllegalStateException("OOM command not allowed when used memory > 'maxmemory'.")))
                .isTrue();
        assertThat(RedisBucketStore.refusesEveryKey(new IllegalStateException(
                "WRONGTYPE Operation against a key holding the wrong kind of value"))).as("about one key").isFalse();
        assertThat(RedisBucketStore.refusesEveryKey(new IllegalStateException((String) null))).isFalse();
    }

    /** Two keys failing within the interval are Redis failing: every check rests. */
    @Test
    void aSecondKeyFailingRestsEveryKey() {
        GatedProxies proxies = new GatedProxies();
        RedisBucketStore store = new RedisBucketStore(proxies, new Quota(100, 100), new FakeClock(), () -> 1_000L);
        store.tryConsume("a-broken");
        store.tryConsume("b-broken");
        int calls = proxies.backendCalls.get();

        assertThat(store.tryConsume("fine").isConsumed()).isTrue();
        assertThat(proxies.backendCalls.get()).as("resting").isEqualTo(calls);
        assertThat(store.redisFailures()).isEqualTo(2);
    }

    /**
     * A timeout is Redis, not a key: every check rests at once. So does a failed retry after the
     * rest, whatever its failure.
     */
    @Test
    void aTimeoutRestsEveryKeyAndSoDoesAFailedRetry() {
        GatedProxies proxies = new GatedProxies();
        AtomicLong restNanos = new AtomicLong(1_000_000_000L);
        RedisBucketStore store = new RedisBucketStore(proxies, new Quota(100, 100), new FakeClock(), restNanos::get);
        store.tryConsume("a-timeout");
        int calls = proxies.backendCalls.get();

        assertThat(store.tryConsume("fine").isConsumed()).isTrue();
        assertThat(proxies.backendCalls.get()).as("resting").isEqualTo(calls);

        restNanos.addAndGet(RedisBucketStore.RETRY_AFTER_FAILURE.toNanos());
        store.tryConsume("b-broken");
        assertThat(store.redisFailures()).as("the retry went to Redis").isEqualTo(2);
        // Past the retry's own claim (it holds the others off for twice the request timeout).
        restNanos.addAndGet(RedisBucketStore.REQUEST_TIMEOUT.toNanos() * 2 + 1);
        calls = proxies.backendCalls.get();
        store.tryConsume("fine");
        assertThat(proxies.backendCalls.get()).as("resting again").isEqualTo(calls);
    }

    /**
     * The counted WARN names the last failure, so that an operator can tell a Redis that is down
     * from one that refuses writes (READONLY, OOM), which fails every call as surely.
     */
    @Test
    void theCountedLineNamesTheLastFailure() {
        GatedProxies proxies = new GatedProxies();
        try (LogCapture log = LogCapture.of(RedisBucketStore.class)) {
            RedisBucketStore store = new RedisBucketStore(proxies, new Quota(100, 100), new FakeClock(), () -> 1_000L);
            store.tryConsume("a-broken");

            assertThat(log.lines()).anySatisfy(line -> assertThat(line)
                    .contains("Decided 1 rate-limit checks in this process alone because Redis did not answer or failed "
                            + "(last failure: IllegalStateException: unreadable state)"));
        }
    }

    @Test
    void aFailureIsDescribedByItsInnermostCauseOnOneShortLine() {
        RuntimeException failure = new IllegalStateException("wrapper",
                new java.io.UncheckedIOException(new java.io.IOException("READONLY no writes\r\nforged line " + "x".repeat(300))));

        assertThat(RedisBucketStore.describe(failure)).startsWith("IOException: READONLY no writes")
                .doesNotContain("\n").hasSizeLessThan(200);
        assertThat(RedisBucketStore.isUnreachable(failure)).as("an IOException under it").isTrue();
        assertThat(RedisBucketStore.isUnreachable(new IllegalStateException("WRONGTYPE"))).isFalse();
    }
}
