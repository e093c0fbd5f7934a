package dev.palisade.benchmarks;

import dev.palisade.filters.InMemoryBucketStore;
import dev.palisade.filters.Quota;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One limiter decision, ours beside its baseline in the same run: on one hot client (baseline: a
 * bare Bucket4j bucket) and spread over 100,000 clients (baseline: an unbounded
 * {@code ConcurrentHashMap} of Bucket4j buckets, which is what most hand-rolled limiters are).
 * Quotas are large so that every decision is an admission, the common case.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LimiterBenchmark {
    static final int CLIENTS = 100_000;
    static final long CAPACITY = 1_000_000_000L;
    /** The highest rate a {@link Quota} takes; with this capacity no benchmark run can drain a bucket. */
    static final long RATE = 1_000_000L;

    @State(Scope.Benchmark)
    public static class Limiters {
        final String[] keys = new String[CLIENTS];
        Bucket bare;
        ConcurrentHashMap<String, Bucket> unboundedMap;
        InMemoryBucketStore hotStore;
        InMemoryBucketStore spreadStore;

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < CLIENTS; i++) {
                keys[i] = "10." + ((i >> 16) & 0xFF) + "." + ((i >> 8) & 0xFF) + "." + (i & 0xFF);
            }
            bare = newBucket();
            unboundedMap = new ConcurrentHashMap<>();
            Quota quota = new Quota(RATE, CAPACITY);
            hotStore = new InMemoryBucketStore(quota, InMemoryBucketStore.DEFAULT_MAX_CLIENTS, TimeMeter.SYSTEM_NANOTIME);
            // Room for every client, as the map has: the comparison is of lookup cost, not eviction.
            spreadStore = new InMemoryBucketStore(quota, 2 * CLIENTS, TimeMeter.SYSTEM_NANOTIME);
            for (String key : keys) {
                unboundedMap.computeIfAbsent(key, k -> newBucket()).tryConsume(1);
                spreadStore.tryConsume(key);
            }
        }

        static Bucket newBucket() {
            return Bucket.builder()
                    .addLimit(Bandwidth.builder().capacity(CAPACITY).refillGreedy(CAPACITY, Duration.ofSeconds(CAPACITY / RATE)).build())
                    .build();
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            next = (next + 7919) % CLIENTS;
            return next;
        }
    }

    @Benchmark
    public boolean hotClientBaselineBareBucket4j(Limiters l) {
        return l.bare.tryConsume(1);
    }

    @Benchmark
    public ConsumptionProbe hotClientBaselineBareBucket4jProbe(Limiters l) {
        return l.bare.tryConsumeAndReturnRemaining(1);
    }

    @Benchmark
    public ConsumptionProbe hotClientPalisade(Limiters l) {
        return l.hotStore.tryConsume("203.0.113.7");
    }

    @Benchmark
    public boolean clients100kBaselineUnboundedMap(Limiters l, Cursor c) {
        return l.unboundedMap.computeIfAbsent(l.keys[c.advance()], k -> Limiters.newBucket()).tryConsume(1);
    }

    @Benchmark
    public ConsumptionProbe clients100kPalisadeBounded(Limiters l, Cursor c) {
        return l.spreadStore.tryConsume(l.keys[c.advance()]);
    }
}
