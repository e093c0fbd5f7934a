package dev.palisade.filters.nobackend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.RawHttp;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WAR that bundles {@code slf4j-api} without a backend (standalone Tomcat and Jetty give web
 * applications none) lost every line the kit logs, the 500's request id and stack trace included
 * (found by review). The error boundary's ERROR lines now go to the container's log, and the filter
 * says once why the others are missing. A real Tomcat in a child JVM whose class path lacks the
 * test's Logback; Tomcat's log is its standard error.
 */
class WithoutLoggingBackendTest {
    @TempDir
    Path dir;

    @Test
    void errorLinesReachTheContainersLog() throws Exception {
        Path portFile = dir.resolve("port");
        Path output = dir.resolve("output.txt");
        Process child = new ProcessBuilder(javaCommand(NoBackendTomcat.class.getName(), portFile.toString(),
                        dir.resolve("tomcat").toString()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            Awaitility.await("child Tomcat's port").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.exists(portFile) || !child.isAlive());
            assertThat(child.isAlive()).as("child running; output:\n%s", read(output)).isTrue();
            int port = Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII));

            RawHttp.Response answer = RawHttp.exchange(port,
                    "GET /x HTTP/1.1\r\nHost: x\r\nX-Request-Id: nobackend-1\r\nConnection: close\r\n\r\n");

            RawHttp.Response bare = RawHttp.exchange(port,
                    "GET /bare HTTP/1.1\r\nHost: x\r\nX-Request-Id: nobackend-2\r\nConnection: close\r\n\r\n");
            RawHttp.Response late = RawHttp.exchange(port, "GET /late HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.body()).contains("\"requestId\":\"nobackend-1\"").doesNotContain("boom");
            assertThat(bare.status()).isEqualTo(503);
            assertThat(late.status()).isEqualTo(200);
            Awaitility.await("the lines in Tomcat's log").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> read(output).contains("late for") && read(output).contains("nobackend-1"));
            String log = read(output);
            assertThat(log).contains("No SLF4J providers were found");
            assertThat(log).contains("Palisade in context \"\": SLF4J has no logging backend");
            // Each at Tomcat's error level (java.util.logging's console format: the level starts the line after the source).
            assertThat(log).contains("SEVERE: Request nobackend-1 failed").contains("at " + NoBackendTomcat.class.getName())
                    .contains("j***@example.com").doesNotContain("jane.doe@example.com");
            assertThat(log).contains("SEVERE: Request nobackend-2 answered 503 without an exception");
            assertThat(log).contains("SEVERE: An asynchronous task failed after its request had been answered")
                    .contains("late for b***@example.com").doesNotContain("bob@example.com");
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    /** This JVM's java, with the test class path minus every SLF4J backend and bridge. */
    private static List<String> javaCommand(String mainClass, String... args) {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("logback") && !entry.contains("jul-to-slf4j"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static String read(Path file) throws java.io.IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
