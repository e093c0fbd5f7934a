package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.TeamStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that cannot serve now (here: the writer's turn does not come within the busy timeout) is a 503
 * with {@code Retry-After} and a problem body, nothing written; once the store is free the same request works.
 */
class BusyStoreTest {
    private static final String START = "{\"email\":\"busy@example.com\",\"message\":\"A room for 12 on 3 June 2027\"}";

    @TempDir
    Path dir;
    private WorkflowServer server;
    private final ExecutorService holder = Executors.newSingleThreadExecutor();

    @BeforeEach
    void start() throws Exception {
        server = WorkflowServer.builder(dir).busyTimeout(Duration.ofSeconds(1)).start();
    }

    @AfterEach
    void stop() throws Exception {
        holder.shutdownNow();
        server.close();
    }

    @Test
    void answers503WithRetryAfterWhileTheStoreIsBusyAndWritesNothing() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> longWrite = holder.submit(() -> server.store().inTeam(new Team(WorkflowServer.TEAM_A), (TeamStore tx) -> {
            holding.countDown();
            try {
                return release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }));
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

        HttpResult busy = server.post("/api/start-conversation", WorkflowServer.SYSTEM_A, START);
        assertThat(busy.status()).as(busy.toString()).isEqualTo(503);
        assertThat(busy.header("Retry-After")).isEqualTo("1");
        assertThat(busy.contentType()).startsWith("application/problem+json");
        assertThat(busy.text("detail")).isEqualTo("The service is temporarily unavailable.");
        assertThat(busy.body()).doesNotContain("sqlite").doesNotContain("timed out").doesNotContain("palisade.db");

        release.countDown();
        longWrite.get(10, TimeUnit.SECONDS);
        assertThat(server.get("/api/events", WorkflowServer.MANAGER_A).json().get("events")).as("nothing written")
                .isEmpty();
        assertThat(server.post("/api/start-conversation", WorkflowServer.SYSTEM_A, START).status()).isEqualTo(201);
    }
}
