package dev.palisade.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad setting stops start-up with exit status 2 and one clear line naming the variable, never a stack. */
class StartupFailureTest {
    @TempDir
    Path dataDir;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "PORT|eighty",
        "PORT|70000",
        "TRUSTED_PROXIES|10.0.0.0/99",
        "TRUSTED_PROXIES|not-an-address",
        "API_KEYS|leaky-secret-token-value-123@alpha",
        "API_KEYS|short@alpha:manager",
        "RATE_LIMIT_RPS|-3",
        "RATE_LIMIT_BURST|lots",
        "REQUEST_SIZE_LIMIT_KB|-1",
    })
    void badValueExitsWithStatusTwoAndOneLineNamingTheVariable(String variable, String value) {
        assertRefused(variable, value);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "RATE_LIMIT_BACKEND|carrier-pigeon",
        "UPLOAD_SIZE_LIMIT_MB|ten",
        "RATE_LIMIT_GENERAL_BURST|many",
        "SESSION_TTL_MINUTES|-5",
        "ADMIN_PORT|admin",
        "STORE|mongodb",
    })
    void badServerValueExitsWithStatusTwoAndOneLineNamingTheVariable(String variable, String value) {
        assertRefused(variable, value);
    }

    private void assertRefused(String variable, String value) {
        Map<String, String> env = new HashMap<>(Map.of("API_KEYS", Keys.API_KEYS));
        env.put(variable, value);
        try (ServerProcess server = ServerProcess.launch(dataDir, env)) {
            assertThat(server.awaitStartUpFailure()).as("exit status; log:\n%s", server.log()).isEqualTo(2);
            assertOneClearLine(server.log(), variable);
            if (variable.equals("API_KEYS")) {
                assertThat(server.log()).doesNotContain("leaky-secret").doesNotContain("short@");
            }
        }
    }

    @Test
    void dataDirThatIsAFileExitsWithStatusTwo() throws IOException {
        Path file = Files.writeString(dataDir.resolve("not-a-directory"), "x");
        try (ServerProcess server = ServerProcess.launch(file, Map.of("API_KEYS", Keys.API_KEYS))) {
            assertThat(server.awaitStartUpFailure()).as("exit status; log:\n%s", server.log()).isEqualTo(2);
            assertOneClearLine(server.log(), "DATA_DIR");
        }
    }

    @Test
    void takenPortIsAClearErrorAndTheHolderKeepsIt() throws IOException {
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = holder.getLocalPort();
            try (ServerProcess server = ServerProcess.launch(dataDir,
                    Map.of("PORT", Integer.toString(port), "API_KEYS", Keys.API_KEYS))) {
                assertThat(server.awaitStartUpFailure()).as("exit status; log:\n%s", server.log()).isNotZero();
                assertThat(server.log()).contains(Integer.toString(port));
                assertNoStackTrace(server.log());
            }
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertThat(client.isConnected()).as("the holder still accepts").isTrue();
            }
        }
    }

    private static void assertOneClearLine(String log, String variable) {
        assertThat(log.lines().filter(line -> line.contains(variable)).count())
                .as("lines naming %s in:\n%s", variable, log).isEqualTo(1);
        assertThat(log.lines().filter(line -> line.contains(" ERROR ") || line.contains("Exception")).count())
                .as("error lines in:\n%s", log).isLessThanOrEqualTo(1);
        assertNoStackTrace(log);
    }

    private static void assertNoStackTrace(String log) {
        assertThat(log).as("stack trace in:\n%s", log).doesNotContain("\tat ").doesNotContain("Caused by")
                .doesNotContain("Exception:");
    }
}
