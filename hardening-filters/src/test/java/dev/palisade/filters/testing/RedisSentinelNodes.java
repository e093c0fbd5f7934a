package dev.palisade.filters.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A Redis primary, its replica and three sentinels watching them (quorum 2, down after 1 s), each
 * its own {@code redis-server} process on free loopback ports, nothing kept on disk but the
 * sentinels' own configuration files in a temporary folder. Needs {@code redis-server} (Redis 7).
 */
public final class RedisSentinelNodes implements AutoCloseable {
    public static final String MASTER = "mymaster";
    private static final Duration READY = Duration.ofSeconds(30);

    private final Path dir;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    /** Kills the nodes if the test JVM exits without {@link #close()} (a timeout, an interrupted build). */
    private final Thread killOnExit = new Thread(() -> processes.forEach(Process::destroyForcibly), "redis-sentinel-kill");
    private int primary;
    private int replica;
    private final List<Integer> sentinels = new ArrayList<>();

    private RedisSentinelNodes(Path dir) {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts the five, and waits until the replica is in sync and each sentinel knows the other two. */
    public static RedisSentinelNodes start() throws IOException, InterruptedException {
        RedisSentinelNodes nodes = new RedisSentinelNodes(Files.createTempDirectory("palisade-redis-sentinel"));
        try {
            nodes.primary = nodes.startServer();
            nodes.replica = nodes.startServer("--replicaof", "127.0.0.1", String.valueOf(nodes.primary));
            for (int i = 0; i < 3; i++) {
                nodes.sentinels.add(nodes.startSentinel());
            }
            await("the replica in sync", nodes.replica, c -> c.sync().info("replication").contains("master_link_status:up"));
            for (int sentinel : nodes.sentinels) {
                await("sentinel " + sentinel + " knowing the others", sentinel,
                        c -> c.sync().dispatch(io.lettuce.core.protocol.CommandType.SENTINEL,
                                new io.lettuce.core.output.ArrayOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
                                        .add("sentinels").add(MASTER)).size() == 2);
            }
            return nodes;
        } catch (IOException | RuntimeException e) {
            try {
                nodes.close();
            } catch (InterruptedException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The sentinels' URI, as an application would give Lettuce. */
    public RedisURI sentinelUri() {
        RedisURI.Builder builder = RedisURI.builder();
        for (int sentinel : sentinels) {
            builder.withSentinel("127.0.0.1", sentinel);
        }
        return builder.withSentinelMasterId(MASTER).withTimeout(Duration.ofSeconds(5)).build();
    }

    public int primaryPort() {
        return primary;
    }

    public int replicaPort() {
        return replica;
    }

    /**
     * Asks a sentinel for a graceful failover: the replica becomes the primary. Retried (bounded):
     * a sentinel learns of the replica from the primary's INFO, every 10 s, and answers
     * {@code NOGOODSLAVE} until it has.
     */
    public void failover() {
        await("a sentinel accepting SENTINEL FAILOVER", sentinels.get(0), connection -> "OK".equals(
                connection.sync().dispatch(io.lettuce.core.protocol.CommandType.SENTINEL,
                        new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                        new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
                                .add("failover").add(MASTER))));
    }

    /** Whether the server on {@code port} holds {@code key}. */
    public boolean holds(int port, String key) {
        RedisClient client = RedisClient.create();
        try (StatefulRedisConnection<String, String> connection = client.connect(RedisURI.create("redis://127.0.0.1:" + port))) {
            return connection.sync().exists(key) == 1;
        } finally {
            client.shutdown();
        }
    }

    private int startServer(String... extra) throws IOException {
        int port = RedisClusterNodes.freePortWithFreeBusPort(ports);
        Path nodeDir = Files.createDirectories(dir.resolve(String.valueOf(port)));
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no"));
        command.addAll(List.of(extra));
        start(command, nodeDir, port);
        return port;
    }

    private int startSentinel() throws IOException {
        int port = RedisClusterNodes.freePortWithFreeBusPort(ports);
        Path nodeDir = Files.createDirectories(dir.resolve(String.valueOf(port)));
        Path config = nodeDir.resolve("sentinel.conf");
        Files.writeString(config, String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "dir " + nodeDir,
                "sentinel monitor " + MASTER + " 127.0.0.1 " + primary + " 2",
                "sentinel down-after-milliseconds " + MASTER + " 1000",
                "sentinel failover-timeout " + MASTER + " 10000",
                "sentinel parallel-syncs " + MASTER + " 1", ""), StandardCharsets.UTF_8);
        start(List.of("redis-server", config.toString(), "--sentinel"), nodeDir, port);
        return port;
    }

    private void start(List<String> command, Path nodeDir, int port) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(nodeDir.resolve("server.log").toFile()).start();
        ports.add(port);
        processes.add(process);
    }

    private static void await(String what, int port, Predicate<StatefulRedisConnection<String, String>> ready) {
        RedisClient client = RedisClient.create();
        try {
            Awaitility.await(what).atMost(READY).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                try (StatefulRedisConnection<String, String> connection =
                        client.connect(RedisURI.create("redis://127.0.0.1:" + port))) {
                    return ready.test(connection);
                }
            });
        } finally {
            client.shutdown();
        }
    }

    @Override
    public void close() throws InterruptedException {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
        RedisClusterNodes.killAndDelete(processes, dir);
    }
}
