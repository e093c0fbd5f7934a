package dev.palisade.filters;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketListener;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.MathType;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.ThreadUnsafeBucket;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default {@link BucketStore}: Bucket4j token buckets in this JVM, with memory bounded two
 * ways.
 * <ul>
 *   <li><b>Idle expiry.</b> A bucket untouched for {@link Quota#fullRefillNanos()} has refilled to
 *   capacity, so it is indistinguishable from a new one and is dropped, losing nothing. Expiry is
 *   lazy (on the next access to its segment); no background thread.</li>
 *   <li><b>A hard cap</b>, {@code maxClients}. Past it the least recently used bucket of the new
 *   client's segment (or, if that is empty, of another segment) is evicted to make room: LRU per
 *   segment, as in Guava's segmented cache, which approximates global LRU without a global lock.
 *   The store never stops tracking new clients (Jetty's DoSHandler "fails open" past its cap);
 *   the price is that an evicted, partly drained client starts again from a full bucket,
 *   which takes more distinct clients than the cap, cycling, to exploit.</li>
 * </ul>
 *
 * <p>Layout: a power-of-two number of segments chosen by a seeded hash of the key, each an
 * access-ordered {@link LinkedHashMap} under its own lock. The lock also guards the buckets of
 * its segment, so buckets are Bucket4j's {@link ThreadUnsafeBucket}: one uncontended lock per
 * decision, in-place state updates, no per-call allocation for the bucket state (the lock-free
 * bucket copies its state on every CAS). All buckets share the quota's configuration.
 *
 * <p>Footprint: about 320 bytes per tracked client (key, map entry, bucket; measured by the
 * benchmarks' {@code RetainedHeap}), so the default cap of 100,000 clients is about 31 MiB at worst.
 */
public final class InMemoryBucketStore implements BucketStore {
    public static final int DEFAULT_MAX_CLIENTS = 100_000;
    /** How often, at most, a segment that only sees known clients looks for idle buckets. */
    static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;
    private static final int MAX_SEGMENTS = 256;
    /** A wall clock stepped back further than this is a new starting point; see {@code Segment.advance}. */
    static final long STEP_BACK_RESTART_NANOS = 5_000_000_000L;

    private final BucketConfiguration configuration;
    private final TimeMeter clock;
    private final long idleNanos;
    private final int maxClients;
    private final Segment[] segments;
    private final int mask;
    private final int seed;
    private final AtomicInteger size = new AtomicInteger();

    public InMemoryBucketStore(Quota quota, int maxClients, TimeMeter clock) {
        if (maxClients < 1) {
            throw InvalidSettingException.badValue("maxClients", Integer.toString(maxClients), "a whole number >= 1");
        }
        this.configuration = quota.bucketConfiguration();
        this.clock = clock;
        this.idleNanos = quota.fullRefillNanos();
        this.maxClients = maxClients;
        int count = Integer.highestOneBit(Math.min(MAX_SEGMENTS,
                Math.max(16, Runtime.getRuntime().availableProcessors() * 8)));
        while (count > 1 && count * 4 > maxClients) {
            count >>= 1;
        }
        this.segments = new Segment[count];
        long now = clock.currentTimeNanos();
        for (int i = 0; i < count; i++) {
            segments[i] = new Segment(now, clock.isWallClockBased());
        }
        this.mask = count - 1;
        // A per-instance seed so nobody can precompute keys that all land in one segment.
        this.seed = ThreadLocalRandom.current().nextInt();
    }

    /** A factory for the filter's config: one bounded in-memory store per filter. */
    public static Factory factory(int maxClients) {
        if (maxClients < 1) {
            throw InvalidSettingException.badValue("maxClients", Integer.toString(maxClients), "a whole number >= 1");
        }
        return (quota, clock) -> new InMemoryBucketStore(quota, maxClients, clock);
    }

    @Override
    public ConsumptionProbe tryConsume(String clientKey) {
        Segment segment = segments[index(clientKey)];
        boolean overCap = false;
        ConsumptionProbe probe;
        synchronized (segment) {
            long now = segment.advance(clock.currentTimeNanos());
            if (now - segment.lastSweep >= SWEEP_INTERVAL_NANOS) {
                sweep(segment, now);
            }
            Entry entry = segment.map.get(clientKey);
            if (entry == null) {
                sweep(segment, now);
                if (size.get() >= maxClients && !segment.map.isEmpty()) {
                    removeEldest(segment);
                }
                entry = new Entry(new ThreadUnsafeBucket(configuration, MathType.INTEGER_64_BITS, segment,
                        BucketListener.NOPE));
                segment.map.put(clientKey, entry);
                overCap = size.incrementAndGet() > maxClients;
            }
            entry.lastUsed = now;
            probe = entry.bucket.tryConsumeAndReturnRemaining(1);
        }
        if (overCap) {
            evictElsewhere(segment);
        }
        return probe;
    }

    /**
     * Gives back the token a decision took, when a shared store refused what this one granted: the
     * client got no request through, so its bucket here must not run lower than the shared one.
     */
    void refund(String clientKey) {
        Segment segment = segments[index(clientKey)];
        synchronized (segment) {
            Entry entry = segment.map.get(clientKey);
            if (entry != null) {
                entry.bucket.addTokens(1);
            }
        }
    }

    /** Buckets currently tracked. */
    public int size() {
        return size.get();
    }

    public int maxClients() {
        return maxClients;
    }

    int segmentCount() {
        return segments.length;
    }

    private int index(String key) {
        int h = key.hashCode() ^ seed;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h & mask;
    }

    /** Access order means the head is the least recently used: stop at the first live bucket. */
    private void sweep(Segment segment, long now) {
        segment.lastSweep = now;
        if (segment.map.isEmpty()) {
            return;
        }
        Iterator<Entry> it = segment.map.values().iterator();
        while (it.hasNext()) {
            if (now - it.next().lastUsed < idleNanos) {
                return;
            }
            it.remove();
            size.decrementAndGet();
        }
    }

    private void removeEldest(Segment segment) {
        Iterator<Entry> it = segment.map.values().iterator();
        it.next();
        it.remove();
        size.decrementAndGet();
    }

    /**
     * The new client's own segment was empty while the store was full: take the least recently
     * used bucket of another segment. One lock at a time, so no lock ordering to get wrong.
     */
    private void evictElsewhere(Segment origin) {
        for (int i = 0; i < segments.length && size.get() > maxClients; i++) {
            Segment segment = segments[i];
            if (segment == origin) {
                continue;
            }
            synchronized (segment) {
                if (size.get() > maxClients && !segment.map.isEmpty()) {
                    removeEldest(segment);
                }
            }
        }
    }

    /**
     * One stripe. It is also the clock of its buckets: they are only ever used under its lock,
     * right after {@link #advance} has set {@link #now}, so a decision reads the real clock once,
     * not twice.
     */
    private static final class Segment implements TimeMeter {
        final LinkedHashMap<String, Entry> map = new LinkedHashMap<>(16, 0.75f, true);
        final boolean wallClock;
        long lastSweep;
        /** The buckets' time: it follows the clock forwards and never goes back. */
        long now;
        private long lastReading;

        Segment(long now, boolean wallClock) {
            this.lastSweep = now;
            this.now = now;
            this.lastReading = now;
            this.wallClock = wallClock;
        }

        /**
         * Moves the buckets' time on by however far the clock moved past its latest reading. A wall
         * clock stepped back by more than {@link #STEP_BACK_RESTART_NANOS} (an NTP step) is taken as
         * the new starting point, not waited for: holding time until the clock caught up again
         * would refill no bucket, and refuse every drained client, for as long as the step. A
         * smaller step back is waited through, so that a clock jumping back and forth (two time
         * services fighting) cannot refill the buckets with each jump forwards.
         */
        long advance(long reading) {
            if (reading - lastReading > 0) {
                now += reading - lastReading;
                lastReading = reading;
            } else if (lastReading - reading > STEP_BACK_RESTART_NANOS) {
                lastReading = reading;
            }
            return now;
        }

        @Override
        public long currentTimeNanos() {
            return now;
        }

        @Override
        public boolean isWallClockBased() {
            return wallClock;
        }
    }

    private static final class Entry {
        final ThreadUnsafeBucket bucket;
        long lastUsed;

        Entry(ThreadUnsafeBucket bucket) {
            this.bucket = bucket;
        }
    }
}
