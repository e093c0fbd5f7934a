package dev.palisade.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store under DATA_DIR: acknowledged writes survive kill -9; one process per directory. */
class DataDirTest {
    private static final Map<String, String> ENV = Map.of(
            "API_KEYS", Keys.API_KEYS,
            "RATE_LIMIT_RPS", "1000",
            "RATE_LIMIT_BURST", "1000",
            "RATE_LIMIT_GENERAL_RPS", "1000",
            "RATE_LIMIT_GENERAL_BURST", "1000");
    private static final int ACKS_BEFORE_KILL = 25;

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedConversationSurvivesKillNine() throws Exception {
        List<String[]> acknowledged = new CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try (ServerProcess first = ServerProcess.start(dataDir, ENV); Http http = Http.to(first)) {
            List<CompletableFuture<Void>> loops = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                loops.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; writing.get(); i++) {
                        Http.Reply reply;
                        try {
                            reply = http.postJson("/api/start-conversation", Keys.ALPHA_SYSTEM, "{\"email\":\"w" + writer
                                    + "-" + i + "@example.com\",\"message\":\"Room for 30 guests on 2 August 2027\"}");
                        } catch (IllegalStateException serverGone) {
                            return;
                        }
                        if (reply.status() == 201) {
                            JsonNode body = reply.json();
                            acknowledged.add(new String[] {body.path("eventId").asText(),
                                    body.path("conversationId").asText()});
                        }
                    }
                }, writers));
            }
            Awaitility.await("acknowledged writes").atMost(Duration.ofSeconds(60))
                    .until(() -> acknowledged.size() >= ACKS_BEFORE_KILL || loops.stream().allMatch(CompletableFuture::isDone));
            first.kill();
            writing.set(false);
            CompletableFuture.allOf(loops.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
        } finally {
            writers.shutdownNow();
        }
        assertThat(acknowledged).as("acknowledged before SIGKILL").hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        try (ServerProcess second = ServerProcess.start(dataDir, ENV); Http http = Http.to(second)) {
            String events = http.get("/api/events?limit=500", Keys.ALPHA_MANAGER).body();
            for (String[] ack : acknowledged) {
                assertThat(events).as("event %s in the list", ack[0]).contains(ack[0]);
                assertThat(http.get("/api/events/" + ack[0], Keys.ALPHA_MANAGER).status()).isEqualTo(200);
            }
            Http.Reply next = http.postJson("/api/send-message", Keys.ALPHA_SYSTEM,
                    "{\"conversationId\":\"" + acknowledged.get(0)[1] + "\",\"message\":\"Yes, that date is fine.\"}");
            assertThat(next.status()).as("conversation continues after the crash: %s", next).isEqualTo(200);
        }
    }

    @Test
    void secondProcessOnTheSameDataDirIsRefusedWhileTheFirstKeepsServing() {
        try (ServerProcess first = ServerProcess.start(dataDir, ENV); Http http = Http.to(first)) {
            try (ServerProcess second = ServerProcess.launch(dataDir, ENV)) {
                assertThat(second.awaitStartUpFailure()).as("second process; log:\n%s", second.log()).isEqualTo(2);
                assertThat(second.log()).contains("in use").contains(Long.toString(first.pid()))
                        .doesNotContain("\tat ");
            }
            assertThat(http.get("/health").status()).isEqualTo(200);
            assertThat(http.postJson("/api/start-conversation", Keys.ALPHA_SYSTEM,
                    "{\"email\":\"still@example.com\",\"message\":\"Room for 10 guests on 5 May 2027\"}").status())
                    .isEqualTo(201);
        }
    }
}
