package dev.palisade.filters.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A Redis Cluster of three primaries, each its own {@code redis-server} process on free loopback
 * ports (the cluster bus on port + 10000), nothing kept on disk but the nodes' own cluster files in a
 * temporary folder. Needs {@code redis-server} and {@code redis-cli} (Redis 7) on the {@code PATH}.
 */
public final class RedisClusterNodes implements AutoCloseable {
    private static final int NODES = 3;
    private static final Duration READY = Duration.ofSeconds(30);

    private final Path dir;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /** Kills the nodes if the test JVM exits without {@link #close()} (a timeout, an interrupted build). */
    private final Thread killOnExit = new Thread(() -> processes.forEach(Process::destroyForcibly), "redis-cluster-kill");

    private RedisClusterNodes(Path dir) {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts the nodes, joins them into one cluster and waits until it serves every slot. */
    public static RedisClusterNodes start() throws IOException, InterruptedException {
        RedisClusterNodes cluster = new RedisClusterNodes(Files.createTempDirectory("palisade-redis-cluster"));
        try {
            for (int i = 0; i < NODES; i++) {
                cluster.startNode(freePortWithFreeBusPort(cluster.ports));
            }
            for (int port : cluster.ports) {
                awaitAnswer(port, "PING", "PONG");
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            cluster.ports.forEach(port -> create.add("127.0.0.1:" + port));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            run(create, cluster.dir.resolve("create.log"));
            for (int port : cluster.ports) {
                awaitAnswer(port, "CLUSTER INFO", "cluster_state:ok");
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                cluster.close();
            } catch (InterruptedException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Whether {@code redis-server} and {@code redis-cli} can be run here. */
    public static boolean available() {
        try {
            run(List.of("redis-server", "--version"), null);
            run(List.of("redis-cli", "--version"), null);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A URI of one node, from which a cluster client learns the rest. */
    public RedisURI seed() {
        return RedisURI.create("redis://127.0.0.1:" + ports.get(0));
    }

    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** Kills the node on {@code port} at once, as a crash would (no shutdown, no failover: no replicas). */
    public void kill(int port) throws InterruptedException {
        Process node = processes.get(ports.indexOf(port));
        node.destroyForcibly();
        if (!node.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("redis-server on " + port + " did not stop");
        }
    }

    private void startNode(int port) throws IOException {
        Path nodeDir = Files.createDirectories(dir.resolve(String.valueOf(port)));
        Process node = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
                "--cluster-require-full-coverage", "no",
                "--dir", nodeDir.toString(), "--save", "", "--appendonly", "no")
                .redirectErrorStream(true)
                .redirectOutput(nodeDir.resolve("server.log").toFile())
                .start();
        ports.add(port);
        processes.add(node);
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(log.toFile()));
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 60 s");
        }
        if (process.exitValue() != 0) {
            String output = log == null ? "" : ": " + Files.readString(log, StandardCharsets.UTF_8);
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + output);
        }
    }

    /** Polls the node until {@code command}'s answer contains {@code expected}, for at most {@link #READY}. */
    private static void awaitAnswer(int port, String command, String expected) {
        RedisClient client = RedisClient.create();
        try {
            Awaitility.await(command + " on redis-server " + port + " answers " + expected)
                    .atMost(READY).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> answer(client, port, command).contains(expected));
        } finally {
            client.shutdown();
        }
    }

    private static String answer(RedisClient client, int port, String command) {
        try (StatefulRedisConnection<String, String> connection = client.connect(RedisURI.create("redis://127.0.0.1:" + port))) {
            return "PING".equals(command) ? connection.sync().ping() : connection.sync().clusterInfo();
        }
    }

    /** A free port, not among {@code taken} (a node started a moment ago may not have bound yet). */
    static int freePortWithFreeBusPort(List<Integer> taken) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            if (port + 10_000 > 65_535 || taken.contains(port) || taken.contains(port + 10_000)
                    || taken.stream().anyMatch(p -> p + 10_000 == port)) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket()) {
                bus.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 10_000));
                return port;
            } catch (IOException busTaken) {
                // That port's bus port is in use: try another port.
                continue;
            }
        }
        throw new IOException("no free port with a free cluster bus port after 100 tries");
    }

    @Override
    public void close() throws InterruptedException {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
        killAndDelete(processes, dir);
    }

    /** Kills {@code processes} (bounded wait) and deletes {@code dir}, the nodes' files: shared with {@link RedisSentinelNodes}. */
    static void killAndDelete(List<Process> processes, Path dir) throws InterruptedException {
        for (Process node : processes) {
            node.destroyForcibly();
        }
        for (Process node : processes) {
            node.waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
