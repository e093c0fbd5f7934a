package dev.palisade.benchmarks;

import dev.palisade.filters.InMemoryBucketStore;
import dev.palisade.filters.Quota;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Retained heap after a flood of distinct clients: the bounded in-memory bucket store against an
 * unbounded {@code ConcurrentHashMap} of Bucket4j buckets. Run with a fixed heap, for example
 * {@code java -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar dev.palisade.benchmarks.RetainedHeap 1000000}.
 */
public final class RetainedHeap {
    private RetainedHeap() {
    }

    public static void main(String[] args) {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Quota quota = new Quota(2, 10);

        long before = retained();
        ConcurrentHashMap<String, Bucket> map = new ConcurrentHashMap<>();
        for (int i = 0; i < clients; i++) {
            map.computeIfAbsent(client(i), k -> Bucket.builder()
                    .addLimit(Bandwidth.builder().capacity(10).refillGreedy(10, Duration.ofSeconds(5)).build())
                    .build()).tryConsume(1);
        }
        long mapBytes = retained() - before;
        int mapSize = map.size();
        map = null;

        before = retained();
        InMemoryBucketStore store = new InMemoryBucketStore(quota, InMemoryBucketStore.DEFAULT_MAX_CLIENTS,
                TimeMeter.SYSTEM_NANOTIME);
        for (int i = 0; i < clients; i++) {
            store.tryConsume(client(i));
        }
        long storeBytes = retained() - before;

        System.out.printf(Locale.ROOT, "%,d distinct clients%n", clients);
        System.out.printf(Locale.ROOT, "baseline ConcurrentHashMap<String,Bucket>: %,d entries, %,.1f MiB retained%n",
                mapSize, mapBytes / 1048576.0);
        System.out.printf(Locale.ROOT, "Palisade InMemoryBucketStore (maxClients %,d): %,d entries, %,.1f MiB retained%n",
                store.maxClients(), store.size(), storeBytes / 1048576.0);
    }

    private static String client(int i) {
        return (i >>> 24) + "." + ((i >> 16) & 0xFF) + "." + ((i >> 8) & 0xFF) + "." + (i & 0xFF);
    }

    private static long retained() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
