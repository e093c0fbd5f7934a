package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

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
    /** Holds calls for keys ending in "slow" until released; fails those ending in "broken". */
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
                        throw new IllegalStateException("backend timed out");
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
        store.tryConsume("broken");
        assertThat(store.redisFailures()).isEqualTo(1);

        proxies.releaseSlow.countDown();
        slow.join(10_000);
        assertThat(slow.isAlive()).isFalse();
        long callsBefore = proxies.backendCalls.get();
        for (int i = 0; i < 5; i++) {
            assertThat(store.tryConsume("broken").isConsumed()).as("decided here").isTrue();
        }

        assertThat(proxies.backendCalls.get()).as("resting").isEqualTo(callsBefore);
        assertThat(store.redisFailures()).isEqualTo(1);
        restNanos.addAndGet(RedisBucketStore.RETRY_AFTER_FAILURE.toNanos());
        store.tryConsume("broken");
        assertThat(store.redisFailures()).as("asked again after the interval").isEqualTo(2);
    }
}
