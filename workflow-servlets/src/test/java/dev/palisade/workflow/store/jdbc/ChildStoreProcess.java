package dev.palisade.workflow.store.jdbc;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A child JVM running {@link StoreChildMain}, with its stdout read line by line on a reader thread so every
 * wait is bounded. Stdin is closed; stderr (the child's logging) goes to a file for diagnostics.
 */
final class ChildStoreProcess implements AutoCloseable {
    private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> allLines = new ArrayList<>();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    private ChildStoreProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(this::readStdout, "child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static ChildStoreProcess start(String mode, Path dataDir, Path workDir) throws IOException {
        Path logConfig = workDir.resolve("child-logback.xml");
        Files.writeString(logConfig, "<configuration><appender name=\"ERR\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<target>System.err</target><encoder><pattern>%d %level %logger - %msg%n</pattern></encoder></appender>"
                + "<root level=\"INFO\"><appender-ref ref=\"ERR\"/></root></configuration>", StandardCharsets.UTF_8);
        Path stderr = Files.createTempFile(workDir, "child-" + mode + "-", ".log");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(java, "-Xmx128m", "-Dlogback.configurationFile=" + logConfig,
                "-cp", System.getProperty("java.class.path"), StoreChildMain.class.getName(), mode, dataDir.toString())
                .redirectError(stderr.toFile())
                .start();
        process.getOutputStream().close();
        return new ChildStoreProcess(process, stderr);
    }

    long pid() {
        return process.pid();
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                synchronized (allLines) {
                    allLines.add(line);
                }
                unread.add(line);
            }
            drained.complete(null);
        } catch (IOException | RuntimeException e) {
            drained.completeExceptionally(e);
        }
    }

    /** The next line matching {@code wanted} (skipping others), or a failure naming the child's log. */
    String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? unread.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                return fail("child printed no matching line within " + timeout + "; alive=" + process.isAlive()
                        + "; stderr:\n" + stderrText());
            }
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** Kills the child with SIGKILL (no shutdown hooks, no store close) and waits for it to die. */
    void kill() throws InterruptedException {
        // Through the handle: Process.destroyForcibly() would also close our end of stdout, losing the
        // acknowledgements still in the pipe.
        process.toHandle().destroyForcibly();
        if (!process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            fail("child " + process.pid() + " did not die within " + EXIT_WAIT);
        }
    }

    /** Every line the child printed, once it has exited and its stdout is drained. */
    List<String> linesAfterExit() throws InterruptedException, ExecutionException, TimeoutException {
        drained.get(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS);
        synchronized (allLines) {
            return List.copyOf(allLines);
        }
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            fail("child " + process.pid() + " did not exit within " + EXIT_WAIT + "; stderr:\n" + stderrText());
        }
        return process.exitValue();
    }

    private String stderrText() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
