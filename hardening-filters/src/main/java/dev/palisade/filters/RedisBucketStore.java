package dev.palisade.filters;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteBucketBuilder;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link BucketStore} shared by every server process: the buckets live in Redis (Bucket4j's
 * compare-and-swap protocol over Lettuce), so a client's limit holds however many processes its
 * requests are spread over. Needs {@code bucket4j_jdk17-lettuce} and {@code io.lettuce:lettuce-core}
 * on the classpath (both optional dependencies of this jar); the filter itself does not.
 *
 * <p>Memory: each bucket is written with a time-to-live of its full-refill time plus
 * {@link #KEEP_AFTER_REFILL}, so an idle client's key disappears once it would be full anyway.
 * A flood of distinct clients is bounded by Redis's own {@code maxmemory} (use an eviction policy
 * such as {@code volatile-ttl} or {@code allkeys-lru} on a Redis dedicated to this).
 *
 * <p>Each call is one or two Redis round trips, bounded by {@link #REQUEST_TIMEOUT}. When Redis
 * cannot answer the call throws, and the filter lets the request through and counts the failure:
 * a Redis outage must not become a service outage.
 *
 * <p>Clock: Bucket4j stamps bucket state with the client's clock, which must be a wall clock that
 * all processes share (NTP). A {@code TimeMeter} that is not wall-clock based (the filter's default
 * {@code System.nanoTime}, meaningless across processes) is not used; Bucket4j's default
 * {@code System.currentTimeMillis} is.
 */
public final class RedisBucketStore implements BucketStore {
    public static final Duration KEEP_AFTER_REFILL = Duration.ofSeconds(5);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

    private final RemoteBucketBuilder<String> buckets;
    private final BucketConfiguration configuration;

    /**
     * A store over any Bucket4j {@link ProxyManager} (Lettuce, Jedis, Redisson, JDBC…), keyed by the
     * client key. Give each filter its own key namespace ({@link ProxyManager#withMapper}), or two
     * filters would share buckets.
     */
    public RedisBucketStore(ProxyManager<String> proxies, Quota quota) {
        this.buckets = Objects.requireNonNull(proxies, "proxies").builder();
        this.configuration = quota.bucketConfiguration();
    }

    /**
     * A factory for {@link RateLimitFilter.Config.Builder#store}: buckets in the Redis behind
     * {@code connection} (the app's own Lettuce connection, byte-array codec), under keys
     * {@code keyPrefix + clientKey}. Use one prefix per filter, such as {@code "palisade:rl:api:"}.
     */
    public static Factory lettuce(StatefulRedisConnection<byte[], byte[]> connection, String keyPrefix) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        return (quota, clock) -> {
            Bucket4jLettuce.LettuceBasedProxyManagerBuilder<byte[]> builder = Bucket4jLettuce.casBasedBuilder(connection)
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_REFILL))
                    .requestTimeout(REQUEST_TIMEOUT);
            if (clock.isWallClockBased()) {
                builder.clientClock(clock);
            }
            ProxyManager<String> proxies = builder.build()
                    .withMapper(key -> (keyPrefix + key).getBytes(StandardCharsets.UTF_8));
            return new RedisBucketStore(proxies, quota);
        };
    }

    @Override
    public ConsumptionProbe tryConsume(String clientKey) {
        return buckets.build(clientKey, configuration).tryConsumeAndReturnRemaining(1);
    }
}
