package dev.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Main} in a child JVM, as an operator runs it: its exit status and every line it prints. */
class MainProcessTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path logs;

    private Path childOutput() {
        return logs.resolve("child-" + System.nanoTime() + ".log");
    }

    /**
     * A running child: its merged stdout/stderr, written to a file. (A reader thread on the pipe lost
     * the last lines: the JDK closes the pipe as the process exits, under a blocked read.)
     */
    private static final class Child implements AutoCloseable {
        final Process process;
        private final Path output;

        Child(Path output, Map<String, String> env) throws IOException {
            this.output = output;
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            builder.environment().clear();
            builder.environment().putAll(env);
            process = builder.start();
            process.getOutputStream().close();  // stdin closed, as under a service manager
        }

        List<String> lines() throws IOException {
            return Files.readAllLines(output, StandardCharsets.UTF_8);
        }

        int exitStatus() throws InterruptedException {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("child exits").isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.toHandle().destroyForcibly();
        }
    }

    private Map<String, String> env(String... pairs) {
        java.util.HashMap<String, String> env = new java.util.HashMap<>();
        env.put("DATA_DIR", dataDir.toString());
        env.put("PORT", "0");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void exitsWithStatusTwoAndOneLineNamingABadVariable() throws Exception {
        try (Child child = new Child(childOutput(), env("RATE_LIMIT_GENERAL_RPS", "fast"))) {
            assertThat(child.exitStatus()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> !child.lines().isEmpty());
            assertThat(child.lines()).hasSize(1);
            assertThat(child.lines().get(0)).contains("ERROR", "Cannot start: ", "RATE_LIMIT_GENERAL_RPS", "fast");
        }
    }

    /**
     * The PostgreSQL driver warns about a bad URL through java.util.logging, whose default handler
     * wrote to stderr past the redacting log configuration, with the URL's parameters (a review).
     */
    @Test
    void aLibraryLoggingThroughJavaUtilLoggingGoesThroughTheServersLogToo() throws Exception {
        try (Child child = new Child(childOutput(), env("STORE", "postgres",
                "DATABASE_URL", "jdbc:postgresql://127.0.0.1:99999/app?user=u&password=s3cret-Pa55&loginTimeout=abc"))) {
            assertThat(child.exitStatus()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> child.lines().stream().anyMatch(l -> l.contains("Cannot start")));
            assertThat(child.lines()).as("every line the server's own format").allMatch(
                    line -> line.matches("\\d{4}-\\d{2}-\\d{2}T\\S+ (ERROR|WARN |INFO ) .*"));
            assertThat(String.join("\n", child.lines())).doesNotContain("s3cret-Pa55");
        }
    }

    @Test
    void exitsWithStatusTwoWhenThePortIsTakenAndLeavesTheHolderAlone() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                Child child = new Child(childOutput(), env("PORT", "0").entrySet().stream().collect(java.util.stream.Collectors
                        .toMap(Map.Entry::getKey, e -> e.getKey().equals("PORT")
                                ? Integer.toString(holder.getLocalPort()) : e.getValue())))) {
            assertThat(child.exitStatus()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> !child.lines().isEmpty());
            assertThat(child.lines()).hasSize(1);
            assertThat(child.lines().get(0)).contains("Cannot start: PORT " + holder.getLocalPort()
                    + " on 127.0.0.1 is already in use");
            assertThat(holder.isClosed()).isFalse();
        }
    }

    /**
     * A request Jetty's parser refuses (two {@code Host} fields) is a 400, and no WARN line of Jetty's:
     * any client could repeat it to fill the log (found by a review of what clients can make the
     * server log; Jetty's {@code HttpParser} logged one per request).
     */
    @Test
    void aRequestJettysParserRefusesIsLoggedNoWarning() throws Exception {
        try (Child child = new Child(childOutput(), env())) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> child.lines().stream().anyMatch(l -> l.contains("Palisade example server on")));
            java.util.regex.Matcher port = java.util.regex.Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)")
                    .matcher(child.lines().get(0));
            assertThat(port.find()).as("the start line names the port").isTrue();
            int actual = Integer.parseInt(port.group(1));
            assertThat(statusLine(actual, "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 400");
            // Answered after the refused one: its access line comes after anything the refusal logged.
            assertThat(statusLine(actual, "GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> child.lines().stream().anyMatch(l -> l.contains("GET /health status=200")));
            assertThat(child.lines()).noneMatch(l -> l.contains("WARN") || l.contains("ERROR"));
        }
    }

    private static String statusLine(int port, String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getByName("127.0.0.1"), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void startsWithOneInfoLineAndStopsOnSigterm() throws Exception {
        try (Child child = new Child(childOutput(), env())) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> child.lines().stream().anyMatch(l -> l.contains("Palisade example server on")));
            assertThat(child.lines()).hasSize(1);
            assertThat(child.lines().get(0)).contains(" INFO ", "mode prod", "risky routes mounted: none",
                    "store sqlite:");

            child.process.destroy();  // SIGTERM
            assertThat(child.exitStatus()).isEqualTo(143);
            // The stop says when it begins and ends (a review: nothing did), and nothing else.
            await().atMost(Duration.ofSeconds(5)).until(() -> child.lines().stream().anyMatch(l -> l.contains("Stopped in ")));
            assertThat(child.lines()).hasSize(3);
            assertThat(child.lines().get(1)).contains(" INFO ", "Stopping: no new connections; 0 request(s) in flight get up to 10 s");
            assertThat(child.lines().get(2)).contains(" INFO ", "Stopped in ");
            assertThat(child.lines()).noneMatch(l -> l.contains("WARN") || l.contains("ERROR"));
        }
    }
}
