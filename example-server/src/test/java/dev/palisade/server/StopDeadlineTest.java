package dev.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.TeamStore;
import dev.palisade.workflow.store.jdbc.SqliteStores;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The stop with a slow email service and a backlog: the last drain has a deadline, so the stop ends in bounded
 * time and the emails it did not reach stay queued (the outbox is durable) for the next start, said in one line.
 */
class StopDeadlineTest {
    private static final int DUE_EMAILS = 12;
    /** How long the email service takes to accept each email (it does answer, well within the 10 s timeout). */
    private static final Duration SERVICE_LATENCY = Duration.ofSeconds(3);
    /** The stop's flush window (5 s), one email in flight at its end, and slack for a busy machine. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    @Test
    void stopEndsWithinItsDeadlineAndLeavesTheRestQueued() throws Exception {
        Team team = new Team("acme");
        try (Store store = SqliteStores.open(dataDir, Clock.systemUTC())) {
            store.inTeam(team, tx -> {
                for (int i = 0; i < DUE_EMAILS; i++) {
                    tx.enqueueEmail("guest" + i + "@example.com", "Your offer", "Hello " + i, Instant.now());
                }
                return null;
            });
        }
        Logger outboxLog = (Logger) LoggerFactory.getLogger("dev.palisade.workflow.email.OutboxSender");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        outboxLog.addAppender(lines);
        List<String> received = new CopyOnWriteArrayList<>();
        CountDownLatch firstArrived = new CountDownLatch(1);
        ExecutorService serviceThreads = Executors.newFixedThreadPool(4);
        ScheduledExecutorService answers = Executors.newSingleThreadScheduledExecutor();
        HttpServer service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        service.setExecutor(serviceThreads);
        service.createContext("/emails", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
            }
            received.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            firstArrived.countDown();
            // The service's latency: the answer is scheduled, nothing sleeps.
            answers.schedule(() -> accept(exchange), SERVICE_LATENCY.toMillis(), TimeUnit.MILLISECONDS);
        });
        service.start();
        try {
            Duration took;
            try (ExampleServer server = start("EMAIL_URL",
                    "http://127.0.0.1:" + service.getAddress().getPort() + "/emails")) {
                assertThat(firstArrived.await(10, TimeUnit.SECONDS)).as("the sender started on the backlog").isTrue();
                long start = System.nanoTime();
                server.close();
                took = Duration.ofNanos(System.nanoTime() - start);
            }
            assertThat(took).as("stop with %s emails of %s each due", DUE_EMAILS, SERVICE_LATENCY)
                    .isLessThan(STOP_BOUND);

            long queued;
            try (Store store = SqliteStores.open(dataDir, Clock.systemUTC())) {
                queued = store.inTeam(team, TeamStore::outboxDepth);
            }
            assertThat(queued).as("emails left for the next start").isPositive();
            assertThat(received).as("each email sent at most once").doesNotHaveDuplicates();
            assertThat(received.size() + queued).as("sent %s, queued %s", received, queued).isEqualTo(DUE_EMAILS);
            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(line -> line.contains(queued + " emails stay queued"));
        } finally {
            outboxLog.detachAppender(lines);
            service.stop(0);
            serviceThreads.shutdownNow();
            answers.shutdownNow();
        }
    }

    private static void accept(HttpExchange exchange) {
        try {
            exchange.sendResponseHeaders(202, -1);
        } catch (IOException gone) {
            // The sender gave up on this email (it stays queued): nothing to answer.
        } finally {
            exchange.close();
        }
    }

    private ExampleServer start(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("DATA_DIR", dataDir.toString());
        env.put("API_KEYS", "k3y-for-stop-0123456789@acme:manager+system");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return ExampleServer.start(ServerConfig.fromEnvironment(env::get), Clock.systemUTC());
    }
}
