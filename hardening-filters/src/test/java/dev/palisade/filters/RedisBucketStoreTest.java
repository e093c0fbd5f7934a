package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RunningServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Against the real Redis at 127.0.0.1:6379 (or {@code REDIS_URL}). Skipped with a message when it is not there, unless
 * {@code REQUIRE_SERVICES=1}, where its absence is a failure (CI must not go green by skipping).
 */
class RedisBucketStoreTest {
    /** {@code REDIS_URL} when set (as the reference server reads it), else the local default. */
    private static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

    private static RedisClient client;

    private final FakeClock clock = new FakeClock(System.currentTimeMillis() * 1_000_000L);
    private final String prefix = "palisade:test:" + UUID.randomUUID() + ":";

    private static String unreachable;

    @BeforeAll
    static void connect() {
        try {
            RedisURI uri = RedisURI.create(REDIS_URL);
            uri.setTimeout(Duration.ofSeconds(2));
            client = RedisClient.create(uri);
            client.connect().close();
        } catch (RuntimeException e) {
            if (client != null) {
                client.shutdown();
                client = null;
            }
            unreachable = "Redis at " + REDIS_URL + " is unreachable (" + e.getClass().getSimpleName() + ")";
        }
    }

    @BeforeEach
    void requireRedis() {
        if (unreachable == null) {
            return;
        }
        if ("1".equals(System.getenv("REQUIRE_SERVICES"))) {
            Assertions.fail(unreachable + " and REQUIRE_SERVICES=1");
        }
        Assumptions.abort(unreachable + "; skipped (set REQUIRE_SERVICES=1 to make this a failure)");
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.shutdown();
        }
    }

    private StatefulRedisConnection<byte[], byte[]> newConnection() {
        return client.connect(ByteArrayCodec.INSTANCE);
    }

    @Test
    void twoProcessesShareOneLimit() throws Exception {
        try (StatefulRedisConnection<byte[], byte[]> first = newConnection();
                StatefulRedisConnection<byte[], byte[]> second = newConnection()) {
            RateLimitFilter jettyFilter = filter(first);
            RateLimitFilter tomcatFilter = filter(second);
            try (RunningServer jetty = Container.JETTY.start(ctx -> RateLimitFilterTest.deploy(ctx, jettyFilter));
                    RunningServer tomcat = Container.TOMCAT.start(ctx -> RateLimitFilterTest.deploy(ctx, tomcatFilter))) {
                assertThat(RateLimitFilterTest.get(jetty, "/api/x").status()).isEqualTo(200);
                assertThat(RateLimitFilterTest.get(tomcat, "/api/x").status()).isEqualTo(200);
                assertThat(RateLimitFilterTest.get(jetty, "/api/x").status()).isEqualTo(200);

                assertThat(RateLimitFilterTest.get(tomcat, "/api/x").status()).isEqualTo(429);
                assertThat(RateLimitFilterTest.get(jetty, "/api/x").status()).isEqualTo(429);
                assertThat(RateLimitFilterTest.get(tomcat, "/api/x").header("Retry-After")).isEqualTo("1");

                clock.advance(Duration.ofMillis(500));
                assertThat(RateLimitFilterTest.get(tomcat, "/api/x").status()).isEqualTo(200);
                assertThat(RateLimitFilterTest.get(jetty, "/api/x").status()).isEqualTo(429);
                assertThat(jettyFilter.rejectedCount() + tomcatFilter.rejectedCount()).isEqualTo(4);
            }
        }
    }

    @Test
    void concurrentProcessesNeverExceedTheBudget() throws Exception {
        try (StatefulRedisConnection<byte[], byte[]> a = newConnection();
                StatefulRedisConnection<byte[], byte[]> b = newConnection()) {
            Quota quota = new Quota(2, 10);
            BucketStore[] stores = {RedisBucketStore.lettuce(a, prefix).create(quota, clock),
                    RedisBucketStore.lettuce(b, prefix).create(quota, clock)};
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger granted = new AtomicInteger();
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    BucketStore store = stores[t % 2];
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 20; i++) {
                            if (store.tryConsume("hot").isConsumed()) {
                                granted.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(granted.get()).isEqualTo(10);
        }
    }

    @Test
    void idleBucketsExpireInRedis() {
        try (StatefulRedisConnection<byte[], byte[]> connection = newConnection()) {
            BucketStore store = RedisBucketStore.lettuce(connection, prefix).create(new Quota(2, 10), clock);
            store.tryConsume("client-a");

            byte[] key = (prefix + "client-a").getBytes(StandardCharsets.UTF_8);
            Long ttl = connection.sync().pttl(key);
            assertThat(ttl).as("a TTL bounds Redis memory").isPositive()
                    .isLessThanOrEqualTo(Duration.ofSeconds(5).plus(RedisBucketStore.KEEP_AFTER_REFILL).toMillis());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void letsRequestsThroughWhenRedisFails(Container container) throws Exception {
        StatefulRedisConnection<byte[], byte[]> connection = newConnection();
        RateLimitFilter filter = filter(connection);
        try (RunningServer server = container.start(ctx -> RateLimitFilterTest.deploy(ctx, filter))) {
            assertThat(RateLimitFilterTest.get(server, "/api/x").status()).isEqualTo(200);
            connection.close();

            for (int i = 0; i < 5; i++) {
                assertThat(RateLimitFilterTest.get(server, "/api/x").status()).isEqualTo(200);
            }
            assertThat(filter.storeFailureCount()).isEqualTo(5);
        }
    }

    private RateLimitFilter filter(StatefulRedisConnection<byte[], byte[]> connection) {
        return new RateLimitFilter(RateLimitFilter.Config.builder().rps(2).burst(3).clock(clock)
                .store(RedisBucketStore.lettuce(connection, prefix)).build());
    }
}
