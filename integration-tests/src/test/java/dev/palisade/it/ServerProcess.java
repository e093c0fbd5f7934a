package dev.palisade.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The reference server's jar running as a child JVM: its own environment (nothing inherited but
 * {@code PATH}), its own {@code DATA_DIR}, stdin closed, stdout and stderr captured by a reader
 * thread. Every wait is bounded; {@link #close()} kills whatever is still running, and a shutdown
 * hook does the same for any child a crashed test left behind.
 */
final class ServerProcess implements AutoCloseable {
    static final String JAR_PROPERTY = "palisade.server.jar";
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(p -> p.toHandle().destroyForcibly()),
                "kill-orphan-servers"));
    }

    private final Process process;
    private final int port;
    private final Path dataDir;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private ServerProcess(Process process, int port, Path dataDir) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        RUNNING.add(process);
        this.reader = new Thread(this::readOutput, "server-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the server with {@code env} (plus {@code PORT} and {@code DATA_DIR} unless given) and waits
     * until {@code /health} answers. A port taken between choosing and binding is retried once.
     */
    static ServerProcess start(Path dataDir, Map<String, String> env) {
        ServerProcess server = launch(dataDir, env);
        try {
            server.awaitHealthy();
            return server;
        } catch (AssertionError first) {
            if (!env.containsKey("PORT") && server.lostBindRace()) {
                server.close();
                ServerProcess retry = launch(dataDir, env);
                retry.awaitHealthy();
                return retry;
            }
            server.close();
            throw first;
        }
    }

    /** Starts the server with {@code env} without waiting for it to serve (for start-up failures). */
    static ServerProcess launch(Path dataDir, Map<String, String> env) {
        Path jar = jar();
        Map<String, String> full = new LinkedHashMap<>();
        full.put("PORT", Integer.toString(freePort()));
        full.put("DATA_DIR", dataDir.toString());
        full.putAll(env);
        int port = parsePortOrZero(full.get("PORT"));
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        String path = environment.get("PATH");
        environment.clear();
        if (path != null) {
            environment.put("PATH", path);
        }
        full.forEach((name, value) -> {
            if (value != null) {
                environment.put(name, value);
            }
        });
        builder.redirectInput(ProcessBuilder.Redirect.from(emptyStdin()));
        builder.redirectErrorStream(true);
        try {
            return new ServerProcess(builder.start(), port, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
    }

    static Path jar() {
        String location = System.getProperty(JAR_PROPERTY);
        assertThat(location).as("system property %s (set by the surefire configuration)", JAR_PROPERTY).isNotBlank();
        Path jar = Paths.get(location).toAbsolutePath().normalize();
        assertThat(jar).as("the reference server jar: build it first (mvn -B package -pl example-server -am)")
                .isRegularFile();
        return jar;
    }

    /** A port that was free a moment ago: bound to 0 by the OS and released. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int parsePortOrZero(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }

    private static java.io.File emptyStdin() {
        try {
            Path empty = Files.createTempFile("palisade-it-stdin", ".empty");
            empty.toFile().deleteOnExit();
            return empty.toFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readOutput() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
            }
        } catch (IOException e) {
            output.append("[integration-tests: output reader stopped: ").append(e).append("]\n");
        }
    }

    private boolean lostBindRace() {
        String log = log();
        return !process.isAlive() && (log.contains("in use") || log.contains("BindException"));
    }

    private void awaitHealthy() {
        try {
            Awaitility.await("server answers /health on port " + port)
                    .atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .pollInSameThread()
                    .until(() -> {
                        if (!process.isAlive()) {
                            return true;
                        }
                        // Listening is enough here: the tests check what /health answers.
                        return healthStatus() > 0;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Server did not become healthy within " + START_TIMEOUT + "; log:\n" + log(), e);
        }
        if (!process.isAlive()) {
            awaitOutputDrained();
            throw new AssertionError("Server exited with " + process.exitValue() + " before serving; log:\n" + log());
        }
    }

    private int healthStatus() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return PROBE.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | IllegalArgumentException notListening) {
            // Not yet listening, or (for a start that must fail) a port no client can use.
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    int port() {
        return port;
    }

    Path dataDir() {
        return dataDir;
    }

    long pid() {
        return process.pid();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the server wrote to stdout and stderr so far. */
    String log() {
        return output.toString();
    }

    /** The exit status, waiting (bounded) for the process to end. */
    int exitCode() {
        return awaitExit(STOP_TIMEOUT);
    }

    /**
     * The exit status of a start that must fail; fails at once if the server answers HTTP instead,
     * so a server that accepts a bad setting costs no timeout.
     */
    int awaitStartUpFailure() {
        try {
            Awaitility.await("server exits at start").atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .pollInSameThread()
                    .until(() -> !process.isAlive() || healthStatus() > 0);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Server neither exited nor served within " + START_TIMEOUT + "; log:\n" + log(), e);
        }
        if (process.isAlive()) {
            throw new AssertionError("Server started serving instead of refusing to start; log:\n" + log());
        }
        return awaitExit(STOP_TIMEOUT);
    }

    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Server still running after " + timeout + "; log:\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for the server", e);
        }
        awaitOutputDrained();
        RUNNING.remove(process);
        return process.exitValue();
    }

    /** SIGTERM, then waits (bounded) for the exit status. */
    int stop() {
        signalTerm();
        return exitCode();
    }

    /**
     * SIGTERM without waiting. Through the process handle: {@code Process.destroy()} would also close
     * our end of the output pipe and lose what the server logs while it stops.
     */
    void signalTerm() {
        process.toHandle().destroy();
    }

    /** SIGKILL: no shutdown hook, no flush. Waits (bounded) until the process is gone. */
    void kill() {
        process.toHandle().destroyForcibly();
        awaitExit(STOP_TIMEOUT);
    }

    private void awaitOutputDrained() {
        try {
            reader.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
            try {
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RUNNING.remove(process);
    }
}
