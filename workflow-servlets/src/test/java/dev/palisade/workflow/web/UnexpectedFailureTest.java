package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failure nobody expected propagates to the chain's SafeErrorFilter: a generic 500 problem, nothing leaked. */
class UnexpectedFailureTest {
    @TempDir
    Path dir;
    private WorkflowServer server;

    @BeforeEach
    void start() throws Exception {
        server = WorkflowServer.builder(dir).analyzer((message, today) -> {
            throw new IllegalStateException("secret detail /var/lib/palisade SELECT * FROM events");
        }).start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void answersAGeneric500AndStoresNothing() {
        HttpResult result = server.post("/api/start-conversation", WorkflowServer.SYSTEM_A,
                "{\"email\":\"ada@example.com\",\"message\":\"hello\"}");
        assertThat(result.status()).isEqualTo(500);
        assertThat(result.contentType()).startsWith("application/problem+json");
        assertThat(result.body()).doesNotContain("secret").doesNotContain("SELECT").doesNotContain("IllegalState");
        assertThat(server.get("/api/events", WorkflowServer.MANAGER_A).json().get("events")).isEmpty();
    }
}
