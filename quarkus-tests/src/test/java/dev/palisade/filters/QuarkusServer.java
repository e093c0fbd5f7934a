package dev.palisade.filters;

import static dev.palisade.filters.testing.ServerFiles.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.ServerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The application of {@code dev.palisade.quarkusapp}, packaged by Quarkus's plugin in this
 * module's package phase, running as {@code quarkus-run.jar} in a process of its own with the test
 * JVM's Java, on a free port of 127.0.0.1, its console written to a log file the tests read.
 */
final class QuarkusServer implements AutoCloseable {
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final Duration LOG_DEADLINE = Duration.ofSeconds(15);

    private final Process process;
    private final Path log;
    private final int port;
    private int fences;

    private QuarkusServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the application in {@code target/<name>}, and waits until it listens (or fails the test). */
    static QuarkusServer start(String name) throws IOException {
        Path work = Path.of("target", name);
        ServerFiles.deleteRecursively(work);
        Files.createDirectories(work);
        int port = Integer.getInteger("palisade.test.quarkus.port", freePort());
        Path log = work.resolve("quarkus.log");
        Path app = Path.of(System.getProperty("palisade.test.quarkus.app", "target/quarkus-app/quarkus-run.jar"));
        assertThat(app).as("the application Quarkus's plugin packages (mvn package)").isRegularFile();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-jar", app.toAbsolutePath().toString());
        Process process = new ProcessBuilder(command).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Killed with the test JVM too (a failsafe timeout, Ctrl-C), where close() never runs.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        QuarkusServer server = new QuarkusServer(process, log, port);
        await().atMost(START_DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> !process.isAlive() || server.logText().contains("Listening on: "));
        String startLog = server.logText();
        assertThat(process.isAlive()).as("Quarkus did not start; its log: %s", startLog).isTrue();
        assertThat(startLog).as("the chain installed").contains("Palisade chain installed");
        assertThat(startLog).as("the chain can break Quarkus's connections: no WARN at start")
                .doesNotContain(" WARN ", " ERROR ");
        return server;
    }

    int port() {
        return port;
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: quarkus\r\n\r\n";
    }

    /**
     * Asserts that Quarkus's log, from {@code from} on, has the access line of {@code request} and no
     * ERROR or WARN line, once a later request has been logged too.
     */
    void assertQuietAbout(String request, int from) throws IOException {
        awaitLogLine(request + " status=", from);
        String fence = "/fence-" + ++fences;
        RawHttp.exchange(port, get(fence));
        awaitLogLine("GET " + fence + " status=", from);
        assertThat(logText().substring(from)).as(request).doesNotContain(" ERROR ", " WARN ");
    }

    /** Waits (bounded) for a log line holding {@code text} at or after {@code from}; returns it from there. */
    String awaitLogLine(String text, int from) {
        return ServerFiles.awaitLogLine(log, text, from, LOG_DEADLINE);
    }

    String logText() throws IOException {
        return ServerFiles.logText(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
