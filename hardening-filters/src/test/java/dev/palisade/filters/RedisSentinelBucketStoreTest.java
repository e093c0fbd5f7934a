package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.filters.testing.RedisClusterNodes;
import dev.palisade.filters.testing.RedisSentinelNodes;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RedisBucketStore#lettuce} behind Redis Sentinel, as docs/filters.md advises: a primary, a
 * replica and three sentinels the test starts ({@code redis-server} from the {@code PATH}). Skipped
 * with a message when it is not there, unless {@code REQUIRE_SERVICES=1}, where its absence is a failure.
 */
class RedisSentinelBucketStoreTest {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSentinelBucketStoreTest.class);
    private static final Quota QUOTA = new Quota(1, 3);

    private final FakeClock clock = new FakeClock(System.currentTimeMillis() * 1_000_000L);
    private final String prefix = "palisade:test:" + UUID.randomUUID() + ":";
    private final List<RedisClient> clients = new ArrayList<>();
    private RedisSentinelNodes nodes;

    @BeforeEach
    void startNodes() throws Exception {
        if (!RedisClusterNodes.available()) {
            String missing = "redis-server or redis-cli is not on the PATH";
            if ("1".equals(System.getenv("REQUIRE_SERVICES"))) {
                Assertions.fail(missing + " and REQUIRE_SERVICES=1");
            }
            Assumptions.abort(missing + "; skipped (set REQUIRE_SERVICES=1 to make this a failure)");
        }
        nodes = RedisSentinelNodes.start();
    }

    @AfterEach
    void stopNodes() throws InterruptedException {
        for (RedisClient client : clients) {
            try {
                client.shutdownAsync(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.warn("A Redis client did not shut down within 5 s; left to the JVM's exit", e);
                RedisClusterBucketStoreTest.silenceLeftClients();
            }
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    /**
     * A {@code MasterReplica} connection follows Sentinel's graceful failover: the store's buckets go
     * to the new primary (a plain connection would write to the old one until Sentinel demotes it).
     */
    @Test
    void aMasterReplicaConnectionFollowsAGracefulFailover() {
        RedisClient client = client();
        StatefulRedisConnection<byte[], byte[]> connection =
                MasterReplica.connect(client, ByteArrayCodec.INSTANCE, nodes.sentinelUri());
        BucketStore store = RedisBucketStore.lettuce(connection, prefix).create(QUOTA, clock);
        assertThat(store.tryConsume("before").isConsumed()).isTrue();
        assertThat(nodes.holds(nodes.primaryPort(), key("before"))).as("written to the primary").isTrue();

        nodes.failover();

        AtomicInteger checks = new AtomicInteger();
        // The promoted node drops its clients as its role changes: a check's own connection may be reset then.
        await("the store's buckets written to the promoted replica").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(io.lettuce.core.RedisException.class).until(() -> {
                    String clientKey = "after-" + checks.incrementAndGet();
                    store.tryConsume(clientKey);
                    return nodes.holds(nodes.replicaPort(), key(clientKey));
                });
    }

    /**
     * A connection left on a replica (a primary demoted without its clients dropped, or an operator's
     * {@code REPLICAOF}) gets {@code READONLY} for every key: the store rests every key at once and its
     * counted WARN names the refusal.
     */
    @Test
    void aReadOnlyReplicaRestsEveryKeyAtOnce() {
        RedisClient client = client();
        StatefulRedisConnection<byte[], byte[]> onReplica =
                client.connect(ByteArrayCodec.INSTANCE, RedisURI.create("redis://127.0.0.1:" + nodes.replicaPort()));
        RedisBucketStore store = (RedisBucketStore) RedisBucketStore.lettuce(onReplica, prefix).create(QUOTA, clock);

        assertThat(store.tryConsume("first").isConsumed()).as("decided here").isTrue();
        long calls = store.redisCalls();
        assertThat(store.tryConsume("second").isConsumed()).as("decided here").isTrue();

        assertThat(store.redisCalls()).as("the second key is not asked of Redis").isEqualTo(calls);
        assertThat(store.redisFailures()).isEqualTo(1);
        assertThat(store.failureCount()).isEqualTo(2);
    }

    private RedisClient client() {
        RedisClient client = RedisClient.create();
        clients.add(client);
        return client;
    }

    private String key(String clientKey) {
        return prefix + RedisBucketStore.quotaTag(QUOTA) + clientKey;
    }
}
