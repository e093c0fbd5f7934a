package dev.palisade.filters;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BucketStore} shared by every server process: the buckets live in Redis (Bucket4j's
 * compare-and-swap protocol over Lettuce), so a client's limit holds however many processes its
 * requests are spread over. Needs {@code bucket4j_jdk17-lettuce} and {@code io.lettuce:lettuce-core}
 * on the classpath (both optional dependencies of this jar); the filter itself does not.
 *
 * <p>In front of Redis each process keeps its own bounded in-memory bucket per client with the same
 * quota. A client's requests in one process can never be allowed more than all its requests
 * together, so when the local bucket refuses, the shared one would too: the request is refused
 * without a Redis call, and a client flooding one process sends Redis at most its budget. A refusal
 * by Redis gives the local token back. Concurrent checks of one client in one process are batched
 * into one Redis call (Bucket4j's batching optimization, on a bounded set of recently used bucket
 * proxies): under the compare-and-swap protocol every grant must otherwise win a race against every
 * other racer, so concurrent calls for one key cost rounds of retries that grow with their number
 * (they used to run into the timeout, which let the request through).
 *
 * <p>Keys: a bucket's key is the client key after a tag of the quota ({@code b10r5000000000:}, the
 * burst and the nanoseconds of a full refill). Bucket4j keeps a stored bucket's configuration
 * whatever a later process passes, so without the tag a changed {@code rps} or {@code burst} would
 * never reach a client whose bucket is already in Redis (and each grant at the old rate renews it):
 * with it, a changed quota starts on fresh buckets and the old ones expire. Processes with different
 * quotas under one prefix (during a rolling deploy) keep separate buckets.
 *
 * <p>Memory: each bucket is written with a time-to-live of its full-refill time plus
 * {@link #KEEP_AFTER_REFILL}, so an idle client's key disappears once it would be full anyway.
 * A flood of distinct clients is bounded by Redis's own {@code maxmemory} (use an eviction policy
 * such as {@code volatile-ttl} or {@code allkeys-lru} on a Redis dedicated to this); the local
 * buckets by {@link InMemoryBucketStore#DEFAULT_MAX_CLIENTS}.
 *
 * <p>Each call is one or two Redis round trips, bounded by {@link #REQUEST_TIMEOUT} (a check may
 * first wait for the batch in flight, so about twice that in all). A Redis that answers slowly,
 * within the timeout, is neither counted nor logged: request threads wait for it. When Redis
 * cannot answer, the process decides with its local buckets alone, and goes on doing so without
 * asking Redis for {@link #RETRY_AFTER_FAILURE}; then one request tries Redis again. So an outage
 * costs one timeout per interval, not one per request, and each process still holds every client
 * to the budget (a client spread over N processes gets up to N times it while Redis is away).
 * These decisions are counted ({@link #failureCount()}) and logged as counts, each line with the
 * last failure's class and message (a Redis that refuses writes, {@code READONLY} after a failover or
 * {@code OOM} under {@code noeviction}, fails every call as surely as one that is down). A failure
 * that is about one key, not Redis (a key holding a value of another type, {@code WRONGTYPE}; state
 * Bucket4j cannot read), sends only that key's checks to the local buckets for the interval; a second
 * key failing within it, a timeout, a lost connection, or a failed retry sends all of them.
 *
 * <p>Clock: Bucket4j stamps bucket state with the client's clock, which must be a wall clock that
 * all processes share (NTP). A {@code TimeMeter} that is not wall-clock based (the filter's default
 * {@code System.nanoTime}, meaningless across processes) is not used for that; Bucket4j's default
 * {@code System.currentTimeMillis} is. The local buckets use the filter's clock; the rest after a
 * failure is timed with {@code System.nanoTime}, which never steps back. The local buckets hold up to
 * {@link InMemoryBucketStore#DEFAULT_MAX_CLIENTS} clients (idle ones expire), whatever the filter's
 * {@code maxClients}, which sizes the in-memory store.
 */
public final class RedisBucketStore implements BucketStore {
    public static final Duration KEEP_AFTER_REFILL = Duration.ofSeconds(5);
    /**
     * Bucket4j's budget for one Redis call. A check may wait for the batch in flight before its own
     * call, so it waits at most about twice this.
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);
    /** How long a process decides alone after Redis failed it, before trying Redis again. */
    public static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);
    /** Bucket proxies kept for batching: the recently used clients, a few per stripe. */
    static final int MAX_PROXIES = 16_384;
    private static final int PROXY_STRIPES = 256;
    private static final long CLOSED = Long.MIN_VALUE;
    /** What {@link #askRedis()} returns when this call is not to go to Redis. */
    private static final long NOT_ASKED = Long.MIN_VALUE + 1;
    private static final Logger LOG = LoggerFactory.getLogger(RedisBucketStore.class);
    private static final Set<String> SERVER_WIDE_ERRORS = Set.of("READONLY", "OOM", "LOADING", "MASTERDOWN",
            "CLUSTERDOWN", "BUSY", "NOAUTH", "NOPERM");

    private final RemoteBucketBuilder<String> buckets;
    private final BucketConfiguration configuration;
    private final String quotaTag;
    private final InMemoryBucketStore local;
    /** Times the rest after a failure: monotonic, whatever the buckets' clock (a wall clock may step back). */
    private final LongSupplier restClock;
    private final ProxyStripe[] proxies = new ProxyStripe[PROXY_STRIPES];
    /** Clock time until which Redis is not asked, or {@link #CLOSED} while it answers. */
    private final AtomicLong skipRedisUntil = new AtomicLong(CLOSED);
    private final AtomicLong redisCalls = new AtomicLong();
    private final AtomicLong redisFailures = new AtomicLong();
    /** The key resting alone after a failure about it, or {@code null}. */
    private final AtomicReference<KeyRest> restingKey = new AtomicReference<>();
    /** The last failure's class and message, for the counted WARN. */
    private volatile String lastFailure = "";
    private final RejectionLog localDecisions = new RejectionLog(LOG, "Decided",
            "rate-limit checks in this process alone because Redis did not answer or failed",
            () -> lastFailure.isEmpty() ? "" : " (last failure: " + lastFailure + ")");

    /**
     * A store over any Bucket4j {@link ProxyManager} (Lettuce, Jedis, Redisson, JDBC…), keyed by the
     * quota's tag and the client key ({@code b10r5000000000:k:203.0.113.7}; see the class comment).
     * Give each filter its own key namespace ({@link ProxyManager#withMapper}), or two filters would
     * share buckets.
     */
    public RedisBucketStore(ProxyManager<String> proxies, Quota quota) {
        this(proxies, quota, TimeMeter.SYSTEM_NANOTIME);
    }

    /** As above; {@code clock} drives the local buckets (tests pass a fake one). */
    public RedisBucketStore(ProxyManager<String> proxies, Quota quota, TimeMeter clock) {
        this(proxies, quota, clock, System::nanoTime);
    }

    RedisBucketStore(ProxyManager<String> proxies, Quota quota, TimeMeter clock, LongSupplier restClock) {
        this.buckets = Objects.requireNonNull(proxies, "proxies").builder().withOptimization(Optimizations.batching());
        this.configuration = quota.bucketConfiguration();
        this.quotaTag = quotaTag(quota);
        Objects.requireNonNull(clock, "clock");
        this.restClock = Objects.requireNonNull(restClock, "restClock");
        this.local = new InMemoryBucketStore(quota, InMemoryBucketStore.DEFAULT_MAX_CLIENTS, clock);
        for (int i = 0; i < this.proxies.length; i++) {
            this.proxies[i] = new ProxyStripe(MAX_PROXIES / PROXY_STRIPES);
        }
    }

    /** The quota's part of every key: its burst and full-refill time, which together are its configuration. */
    static String quotaTag(Quota quota) {
        return "b" + quota.burst() + "r" + quota.fullRefillNanos() + ":";
    }

    /**
     * A factory for {@link RateLimitFilter.Builder#store}: buckets in the Redis behind
     * {@code connection} (the app's own Lettuce connection, byte-array codec), under keys
     * {@code keyPrefix + quota tag + clientKey}. Use one prefix per filter, such as {@code "palisade:rl:api:"}.
     */
    public static Factory lettuce(StatefulRedisConnection<byte[], byte[]> connection, String keyPrefix) {
        return lettuce(connection, keyPrefix, System::nanoTime);
    }

    /** As {@link #lettuce(StatefulRedisConnection, String)}, timing the rest after a failure with {@code restClock}. */
    static Factory lettuce(StatefulRedisConnection<byte[], byte[]> connection, String keyPrefix, LongSupplier restClock) {
        Objects.requireNonNull(connection, "connection");
        return factory(() -> Bucket4jLettuce.casBasedBuilder(connection), keyPrefix, restClock);
    }

    /**
     * As {@link #lettuce(StatefulRedisConnection, String)}, over a Redis Cluster: the app's own
     * {@code RedisClusterClient} connection (byte-array codec). Each bucket is one key, so the
     * buckets spread over the cluster's nodes by the key's hash slot and every call goes to the node
     * holding it. A node that does not answer is a timeout like any other (see the class comment):
     * while it is away every check in this process is decided locally for {@link #RETRY_AFTER_FAILURE}
     * at a time, also the clients whose buckets live on the nodes still up.
     */
    public static Factory lettuceCluster(StatefulRedisClusterConnection<byte[], byte[]> connection, String keyPrefix) {
        return lettuceCluster(connection, keyPrefix, System::nanoTime);
    }

    /** As {@link #lettuceCluster(StatefulRedisClusterConnection, String)}, timing the rest with {@code restClock}. */
    static Factory lettuceCluster(StatefulRedisClusterConnection<byte[], byte[]> connection, String keyPrefix,
            LongSupplier restClock) {
        Objects.requireNonNull(connection, "connection");
        return factory(() -> Bucket4jLettuce.casBasedBuilder(connection), keyPrefix, restClock);
    }

    private static Factory factory(Supplier<Bucket4jLettuce.LettuceBasedProxyManagerBuilder<byte[]>> builders,
            String keyPrefix, LongSupplier restClock) {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        return (quota, clock) -> {
            Bucket4jLettuce.LettuceBasedProxyManagerBuilder<byte[]> builder = builders.get()
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_REFILL))
                    .requestTimeout(REQUEST_TIMEOUT);
            if (clock.isWallClockBased()) {
                builder.clientClock(clock);
            }
            ProxyManager<String> proxies = builder.build()
                    .withMapper(key -> (keyPrefix + key).getBytes(StandardCharsets.UTF_8));
            return new RedisBucketStore(proxies, quota, clock, restClock);
        };
    }

    @Override
    public ConsumptionProbe tryConsume(String clientKey) {
        localDecisions.flushIfDue();
        ConsumptionProbe alone = local.tryConsume(clientKey);
        long asked = alone.isConsumed() && !isResting(clientKey) ? askRedis() : NOT_ASKED;
        if (asked == NOT_ASKED) {
            // Refused here, refused by the shared bucket too; or Redis is being given time to recover.
            if (alone.isConsumed()) {
                localDecisions.record();
            }
            return alone;
        }
        try {
            redisCalls.incrementAndGet();
            ConsumptionProbe shared = proxy(clientKey).tryConsumeAndReturnRemaining(1);
            // Only the state this call was asked under: a failure of another call since began a
            // rest that a late success of this one must not end.
            skipRedisUntil.compareAndSet(asked, CLOSED);
            if (!shared.isConsumed()) {
                local.refund(clientKey);
            }
            return shared;
        } catch (RuntimeException e) {
            long now = restClock.getAsLong();
            lastFailure = describe(e);
            redisFailures.incrementAndGet();
            if (asked != CLOSED || isUnreachable(e) || refusesEveryKey(e) || !restAlone(clientKey, now)) {
                skipRedisUntil.set(now + RETRY_AFTER_FAILURE.toNanos());
                LOG.debug("Redis failed a rate-limit check; deciding with this process's buckets for {}",
                        RETRY_AFTER_FAILURE, e);
            } else {
                LOG.debug("Redis failed a rate-limit check of one client; deciding its checks with this process's "
                        + "buckets for {}", RETRY_AFTER_FAILURE, e);
            }
            localDecisions.record();
            return alone;
        }
    }

    /** Whether {@code clientKey} rests alone after a failure about it. */
    private boolean isResting(String clientKey) {
        KeyRest rest = restingKey.get();
        return rest != null && rest.key().equals(clientKey) && rest.until() - restClock.getAsLong() > 0;
    }

    /**
     * Rests {@code clientKey} alone, unless another key is resting: two keys failing within the
     * interval are taken for Redis failing.
     *
     * @return whether it rests alone
     */
    private boolean restAlone(String clientKey, long now) {
        KeyRest rest = restingKey.get();
        if (rest != null && !rest.key().equals(clientKey) && rest.until() - now > 0) {
            return false;
        }
        restingKey.set(new KeyRest(clientKey, now + RETRY_AFTER_FAILURE.toNanos()));
        return true;
    }

    /**
     * A timeout or a lost connection anywhere in the chain of causes: Bucket4j's request timeout,
     * or a client library's (Lettuce's {@code RedisCommandTimeoutException} and {@code
     * RedisConnectionException}, Jedis's {@code JedisConnectionException}), named so that this
     * class needs none of them.
     */
    static boolean isUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (t instanceof io.github.bucket4j.TimeoutException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof java.io.IOException || name.contains("Timeout") || name.contains("Connection")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Redis's own errors that are about the server, not a key, by their error code (the first word of
     * the message, whichever client library raised it): a replica after a failover or an operator's
     * {@code REPLICAOF} ({@code READONLY}), a full one under {@code noeviction} ({@code OOM}), one
     * still loading its data ({@code LOADING}), a replica without its primary ({@code MASTERDOWN}), a
     * cluster without full coverage ({@code CLUSTERDOWN}), a busy script ({@code BUSY}), a changed
     * password or ACL ({@code NOAUTH}, {@code NOPERM}). Every key would fail the same way: all rest at
     * once instead of one key first.
     */
    static boolean refusesEveryKey(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && SERVER_WIDE_ERRORS.contains(message.split("[ \r\n]", 2)[0])) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's class and the first line of its message, log-safe and short. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
        if (message.length() > 160) {
            message = message.substring(0, 160) + "...";
        }
        return LogSafe.escape(root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message));
    }

    /** The client's bucket proxy: the same one for concurrent checks, so that they are batched. */
    private BucketProxy proxy(String clientKey) {
        ProxyStripe stripe = proxies[stripe(clientKey)];
        synchronized (stripe) {
            BucketProxy proxy = stripe.get(clientKey);
            if (proxy == null) {
                proxy = buckets.build(quotaTag + clientKey, configuration);
                stripe.put(clientKey, proxy);
            }
            return proxy;
        }
    }

    /**
     * Whether this call may go to Redis: always while it answers; after a failure, once the retry
     * interval is over, and then only for the one call that claims the retry (the others go on
     * deciding locally until it succeeds or fails).
     *
     * @return the state the call goes to Redis under, or {@link #NOT_ASKED}
     */
    private long askRedis() {
        long until = skipRedisUntil.get();
        if (until == CLOSED) {
            return CLOSED;
        }
        long now = restClock.getAsLong();
        long claim = now + REQUEST_TIMEOUT.toNanos() * 2;
        return now - until >= 0 && skipRedisUntil.compareAndSet(until, claim) ? claim : NOT_ASKED;
    }

    private static int stripe(String key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h & (PROXY_STRIPES - 1);
    }

    /** Decisions made with this process's buckets alone because Redis did not answer (or was resting). */
    @Override
    public long failureCount() {
        return localDecisions.total();
    }

    /** Checks handed to Redis (concurrent ones may share one call). */
    long redisCalls() {
        return redisCalls.get();
    }

    /** Redis calls that failed. */
    long redisFailures() {
        return redisFailures.get();
    }

    @Override
    public void flush() {
        localDecisions.flush();
    }

    private record KeyRest(String key, long until) {
    }

    /** Recently used proxies of one stripe, least recently used dropped first. */
    private static final class ProxyStripe extends LinkedHashMap<String, BucketProxy> {
        private static final long serialVersionUID = 1L;
        private final int capacity;

        ProxyStripe(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, BucketProxy> eldest) {
            return size() > capacity;
        }
    }
}
