package dev.palisade.filters.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Files, a port and the log for the tests that run a server as a process of its own (Payara, Open Liberty). */
public final class ServerFiles {
    private ServerFiles() {
    }

    /** The jar or directory {@code type} was loaded from. */
    public static Path codeSource(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** A loopback port free now, for a server started next. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /** Copies the tree under {@code from} to {@code to}. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    /** Deletes {@code root} and everything under it, if it exists. */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        }
    }

    /** The server's log as written so far (its console, read as ISO-8859-1 to take any byte). */
    public static String logText(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    /** Waits (up to {@code deadline}) for a line holding {@code text} at or after {@code from}; returns it from there. */
    public static String awaitLogLine(Path log, String text, int from, Duration deadline) {
        List<String> found = new ArrayList<>();
        await().atMost(deadline).pollInterval(Duration.ofMillis(50)).until(() -> {
            String logged = logText(log);
            int at = logged.indexOf(text, from);
            if (at < 0) {
                return false;
            }
            int end = logged.indexOf('\n', at);
            found.add(logged.substring(at, end < 0 ? logged.length() : end));
            return true;
        });
        return found.get(0);
    }
}
