package dev.palisade.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.workflow.testing.PostgresTestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code STORE=postgres}: several server processes on one database (its own schema and ordinary role per
 * test, on the local PostgreSQL). Fails without PostgreSQL when {@code REQUIRE_SERVICES=1}, skips with a
 * message otherwise.
 */
class SharedPostgresStoreTest {
    private static final String PASSWORD = "not-needed-but-secret-7Hq";

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    private PostgresTestDatabase.Schema schema;

    @BeforeEach
    void newSchema() {
        schema = PostgresTestDatabase.newSchemaWithOwnRole();
    }

    @AfterEach
    void dropSchema() {
        // Null when PostgreSQL is missing and the test was skipped: the skip must stay a skip.
        if (schema != null) {
            schema.close();
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("API_KEYS", Keys.API_KEYS);
        env.put("STORE", "postgres");
        // The libpq form with a password the server must never print (trust auth ignores it).
        env.put("DATABASE_URL", schema.jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + schema.role() + ":"
                + PASSWORD + "@").replaceAll("[?&]user=[^&]*", ""));
        env.put("RATE_LIMIT_RPS", "1000");
        env.put("RATE_LIMIT_BURST", "1000");
        return env;
    }

    private static JsonNode startConversation(Http http, String email) {
        Http.Reply reply = http.postJson("/api/start-conversation", Keys.ALPHA_SYSTEM,
                "{\"email\":\"" + email + "\",\"message\":\"Room for 30 guests on 4 September 2027\"}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.json();
    }

    @Test
    void twoProcessesServeOneTeamsData() {
        try (ServerProcess a = ServerProcess.start(dirA, env());
                ServerProcess b = ServerProcess.start(dirB, env());
                Http httpA = Http.to(a);
                Http httpB = Http.to(b)) {
            String eventOnA = startConversation(httpA, "first@example.com").path("eventId").asText();
            String eventOnB = startConversation(httpB, "second@example.com").path("eventId").asText();

            assertThat(httpB.get("/api/events/" + eventOnA, Keys.ALPHA_MANAGER).status()).isEqualTo(200);
            assertThat(httpA.get("/api/events/" + eventOnB, Keys.ALPHA_MANAGER).status()).isEqualTo(200);
            // Another team stays out, whichever process it asks.
            assertThat(httpB.get("/api/events/" + eventOnA, Keys.BETA_MANAGER).status()).isEqualTo(404);
            assertThat(httpA.get("/api/events", Keys.BETA_MANAGER).body()).doesNotContain(eventOnA, eventOnB);

            for (ServerProcess server : List.of(a, b)) {
                assertThat(server.log()).contains("store postgres://").doesNotContain(PASSWORD);
            }
        }
    }

    @Test
    void aTaskApprovedOnBothProcessesAtOnceIsApprovedOnce() throws Exception {
        try (ServerProcess a = ServerProcess.start(dirA, env());
                ServerProcess b = ServerProcess.start(dirB, env());
                Http httpA = Http.to(a);
                Http httpB = Http.to(b)) {
            List<String> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                JsonNode started = startConversation(i % 2 == 0 ? httpA : httpB, "race" + i + "@example.com");
                assertThat(started.hasNonNull("taskId")).as(started.toString()).isTrue();
                tasks.add(started.path("taskId").asText());
            }
            ExecutorService racers = Executors.newFixedThreadPool(2);
            try {
                for (String task : tasks) {
                    CountDownLatch go = new CountDownLatch(1);
                    CompletableFuture<Integer> onA = CompletableFuture.supplyAsync(() -> approve(go, httpA, task), racers);
                    CompletableFuture<Integer> onB = CompletableFuture.supplyAsync(() -> approve(go, httpB, task), racers);
                    go.countDown();
                    List<Integer> statuses = List.of(onA.get(30, TimeUnit.SECONDS), onB.get(30, TimeUnit.SECONDS));
                    assertThat(statuses).as("task %s", task).containsExactlyInAnyOrder(200, 409);
                }
            } finally {
                racers.shutdownNow();
            }
        }
    }

    private static int approve(CountDownLatch go, Http http, String task) {
        try {
            if (!go.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the race never started");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return http.postJson("/api/tasks/" + task + "/approve", Keys.ALPHA_MANAGER, "{}").status();
    }

    @Test
    void everyWriteAcknowledgedByAKilledProcessIsServedByTheOther() {
        List<String> acknowledged = new ArrayList<>();
        try (ServerProcess a = ServerProcess.start(dirA, env());
                ServerProcess b = ServerProcess.start(dirB, env());
                Http httpA = Http.to(a);
                Http httpB = Http.to(b)) {
            for (int i = 0; i < 10; i++) {
                acknowledged.add(startConversation(httpA, "kill" + i + "@example.com").path("eventId").asText());
            }
            a.kill();

            String events = httpB.get("/api/events?limit=500", Keys.ALPHA_MANAGER).body();
            assertThat(events).contains(acknowledged);
            startConversation(httpB, "after@example.com");
        }
    }

    @Test
    void anUnreachableDatabaseStopsStartUpWithOneLineAndNoPassword() {
        Map<String, String> env = env();
        env.put("DATABASE_URL", "postgresql://palisade:" + PASSWORD + "@127.0.0.1:1/palisade");
        try (ServerProcess server = ServerProcess.launch(dirA, env)) {
            assertThat(server.awaitStartUpFailure()).isEqualTo(2);
            String log = server.log();
            assertThat(log.lines().filter(line -> line.contains("DATABASE_URL")).count()).as(log).isEqualTo(1);
            assertThat(log).contains("postgres://127.0.0.1:1/palisade").doesNotContain(PASSWORD)
                    .doesNotContain("\tat ").doesNotContain("Caused by");
        }
    }
}
