package dev.palisade.workflow.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.TeamStore;
import dev.palisade.workflow.store.jdbc.SqliteStores;
import dev.palisade.workflow.testing.MutableClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The sender against the real SQLite store and WireMock playing the email service. */
@Timeout(60)
class OutboxSenderTest {
    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    private static final Team ACME = new Team("acme");
    private static final Team GLOBEX = new Team("globex");
    /** Short enough to make "slow" quick to test, long enough that a loaded machine still answers a healthy request. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Long enough for a cold JVM's first answer; the tests that time out use {@link #TIMEOUT}. */
    private static final Duration GENEROUS = Duration.ofSeconds(5);

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(T0);
    private Store store;
    private WireMockServer service;

    @BeforeEach
    void start() {
        store = SqliteStores.open(dataDir, clock);
        service = new WireMockServer(options().dynamicPort());
        service.start();
    }

    @AfterEach
    void stop() {
        service.stop();
        store.close();
    }

    /** No jitter, so the backoff is exactly 1 s, 2 s, 4 s ... 5 min. */
    private OutboxSender sender(Duration requestTimeout) {
        HttpEmailTransport transport =
                new HttpEmailTransport(URI.create(service.baseUrl() + "/send"), GENEROUS, requestTimeout);
        return new OutboxSender(store, transport, clock, Duration.ofMillis(20), 10, Backoff.DEFAULT, () -> 0.0,
                Duration.ofSeconds(10));
    }

    private OutboxEmail enqueue(Team team, String to) {
        return store.inTeam(team, (TeamStore tx) -> tx.enqueueEmail(to, "Your booking", "Dear client, private text",
                clock.instant()));
    }

    private OutboxEmail stored(Team team, String id) {
        return store.inTeam(team, (TeamStore tx) -> tx.dueEmails(T0.plus(Duration.ofDays(365)), 1000)).stream()
                .filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    private void answer(int status, int delayMillis, String body) {
        service.resetMappings();
        service.stubFor(post("/send").willReturn(aResponse().withStatus(status).withFixedDelay(delayMillis)
                .withBody(body)));
    }

    /** Requests the service answered 2xx, by idempotency key. */
    private Map<String, Long> acceptedByKey() {
        return service.getAllServeEvents().stream()
                .filter(e -> e.getResponse().getStatus() / 100 == 2)
                .collect(Collectors.groupingBy(e -> String.valueOf(e.getRequest().getHeader("Idempotency-Key")),
                        Collectors.counting()));
    }

    private List<String> requestedKeys() {
        List<String> keys = new ArrayList<>();
        for (ServeEvent event : service.getAllServeEvents()) {
            keys.add(event.getRequest().getHeader("Idempotency-Key"));
        }
        return keys;
    }

    @Test
    void deliversEveryEmailExactlyOnceThroughSlownessErrorsAndGarbage() {
        List<OutboxEmail> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(enqueue(ACME, "client" + i + "@acme.example"));
        }
        for (int i = 0; i < 3; i++) {
            queued.add(enqueue(GLOBEX, "client" + i + "@globex.example"));
        }
        OutboxSender sender = sender(TIMEOUT);

        // Slow: the attempt times out, the drain stops at the first failure, the row is backed off 1 s.
        answer(504, 3_000, "");
        OutboxSender.DrainResult slow = sender.drainOnce();
        assertThat(slow).isEqualTo(new OutboxSender.DrainResult(0, 1, true));
        String timedOut = requestedKeys().get(0);
        Team timedOutTeam = queued.stream().filter(e -> e.id().equals(timedOut)).findFirst()
                .map(e -> e.recipient().endsWith("acme.example") ? ACME : GLOBEX).orElseThrow();
        OutboxEmail backedOff = stored(timedOutTeam, timedOut);
        assertThat(backedOff.attempts()).isEqualTo(1);
        assertThat(backedOff.nextAttemptAt()).isEqualTo(T0.plusSeconds(1));

        // 500: another row fails; the one that timed out is not due yet and is not tried again.
        answer(500, 0, "{\"error\":\"boom\"}");
        clock.advance(Duration.ofMillis(500));
        assertThat(sender.drainOnce()).isEqualTo(new OutboxSender.DrainResult(0, 1, true));
        assertThat(requestedKeys()).hasSize(2).doesNotHaveDuplicates();

        // Garbage with a 2xx status: accepted (the service took the email; its body is not read).
        answer(200, 0, "\u0000<<garbage>>");
        OutboxSender.DrainResult garbage = sender.drainOnce();
        assertThat(garbage.sent()).isEqualTo(6);
        assertThat(garbage.failed()).isZero();
        assertThat(acceptedByKey()).doesNotContainKey(timedOut);

        // Before the backed-off rows are due, a drain sends nothing.
        answer(202, 0, "");
        int requestsSoFar = service.getAllServeEvents().size();
        assertThat(sender.drainOnce()).isEqualTo(new OutboxSender.DrainResult(0, 0, false));
        assertThat(service.getAllServeEvents()).hasSize(requestsSoFar);

        // Healthy and due: the rest goes out.
        clock.advance(Duration.ofSeconds(2));
        assertThat(sender.drainOnce().sent()).isEqualTo(2);
        assertThat(sender.drainOnce()).isEqualTo(new OutboxSender.DrainResult(0, 0, false));

        Map<String, Long> accepted = acceptedByKey();
        assertThat(accepted.keySet()).containsExactlyInAnyOrderElementsOf(queued.stream().map(OutboxEmail::id).toList());
        assertThat(accepted.values()).allMatch(count -> count == 1L);
        assertThat(sender.sentCount()).isEqualTo(8);
        assertThat(sender.failedAttemptCount()).isEqualTo(2);
        assertThat(sender.outboxDepth()).isZero();
    }

    @Test
    void retriesAnEmailWhoseAnswerWasLostWithTheSameIdempotencyKey() {
        OutboxEmail email = enqueue(ACME, "ada@example.com");
        OutboxSender sender = sender(TIMEOUT);

        // The service accepts but answers too late: to the sender this is a failure.
        answer(200, 3_000, "");
        assertThat(sender.drainOnce().failed()).isEqualTo(1);
        answer(200, 0, "");
        clock.advance(Duration.ofSeconds(1));
        assertThat(sender.drainOnce().sent()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(10));
        assertThat(sender.drainOnce().sent()).isZero();

        // Both attempts carried the row's id, so a service that deduplicates delivers it once.
        assertThat(requestedKeys()).containsExactly(email.id(), email.id());
    }

    @Test
    void backsOffExponentiallyAndRespectsNextAttempt() {
        OutboxEmail email = enqueue(ACME, "ada@example.com");
        OutboxSender sender = sender(GENEROUS);
        answer(503, 0, "");

        List<Duration> waits = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8));
        for (int attempt = 1; attempt <= waits.size(); attempt++) {
            assertThat(sender.drainOnce().failed()).isEqualTo(1);
            OutboxEmail after = stored(ACME, email.id());
            Duration wait = waits.get(attempt - 1);
            assertThat(after.attempts()).isEqualTo(attempt);
            assertThat(after.nextAttemptAt()).isEqualTo(clock.instant().plus(wait));

            clock.advance(wait.minusMillis(1));
            assertThat(sender.drainOnce()).as("a drain before the next attempt is due")
                    .isEqualTo(new OutboxSender.DrainResult(0, 0, false));
            clock.advance(Duration.ofMillis(1));
        }
        assertThat(service.getAllServeEvents()).hasSize(waits.size());
    }

    @Test
    void keepsARefusedEmailQueuedAtTheLongestBackoffWithoutLoggingItsRecipientOrBody() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger senderLog = (Logger) LoggerFactory.getLogger(OutboxSender.class);
        senderLog.addAppender(logs);
        try {
            OutboxEmail refused = enqueue(ACME, "ada.lovelace@example.com");
            OutboxEmail fine = enqueue(ACME, "grace@example.com");
            OutboxSender sender = sender(GENEROUS);
            service.stubFor(post("/send").willReturn(aResponse().withStatus(202)));
            service.stubFor(post("/send")
                    .withHeader("Idempotency-Key", com.github.tomakehurst.wiremock.client.WireMock.equalTo(refused.id()))
                    .willReturn(aResponse().withStatus(422)));

            // A refusal is about that email only: the drain goes on with the next one.
            assertThat(sender.drainOnce()).isEqualTo(new OutboxSender.DrainResult(1, 1, false));
            OutboxEmail kept = stored(ACME, refused.id());
            assertThat(kept.attempts()).isEqualTo(1);
            assertThat(kept.nextAttemptAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
            assertThat(acceptedByKey()).containsOnlyKeys(fine.id());

            // Once the service takes it (e.g. after an operator fixed the cause), it goes out.
            service.resetMappings();
            service.stubFor(post("/send").willReturn(aResponse().withStatus(202)));
            clock.advance(Duration.ofMinutes(5));
            assertThat(sender.drainOnce().sent()).isEqualTo(1);
            assertThat(sender.outboxDepth()).isZero();

            assertThat(logs.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                    .contains(refused.id(), "a***@example.com"));
            assertThat(logs.list).noneSatisfy(event -> assertThat(event.getFormattedMessage())
                    .containsAnyOf("ada.lovelace@example.com", "private text"));
        } finally {
            senderLog.detachAppender(logs);
        }
    }

    @Test
    void concurrentDrainsNeverSendOneEmailTwice() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(enqueue(i % 2 == 0 ? ACME : GLOBEX, "c" + i + "@example.com").id());
        }
        // A small delay widens the window in which two unserialised drains would both see a row as due.
        answer(200, 20, "");
        OutboxSender sender = sender(GENEROUS);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<OutboxSender.DrainResult>> drains = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                drains.add(pool.submit(() -> {
                    go.await();
                    return sender.drainOnce();
                }));
            }
            go.countDown();
            int sent = 0;
            for (Future<OutboxSender.DrainResult> drain : drains) {
                sent += drain.get(30, TimeUnit.SECONDS).sent();
            }
            assertThat(sent).isEqualTo(30);
        } finally {
            pool.shutdownNow();
        }
        Map<String, Long> accepted = acceptedByKey();
        assertThat(accepted.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(accepted.values()).allMatch(count -> count == 1L);
    }

    @Test
    void drainsInBatchesUntilNothingIsDue() {
        for (int i = 0; i < 25; i++) {
            enqueue(ACME, "c" + i + "@example.com");
        }
        answer(202, 0, "");
        OutboxSender sender = sender(GENEROUS);
        assertThat(sender.outboxDepth()).isEqualTo(25);
        assertThat(sender.drainOnce().sent()).isEqualTo(25);
        assertThat(sender.outboxDepth()).isZero();
    }

    @Test
    void startsNoSenderWithoutEmailUrlAndTheEmailsStayQueued() {
        enqueue(ACME, "ada@example.com");
        assertThat(OutboxSender.fromEnvironment(Map.<String, String>of()::get, store, clock)).isEmpty();
        assertThat(store.inTeam(ACME, TeamStore::outboxDepth)).isEqualTo(1);

        answer(202, 0, "");
        OutboxSender later = OutboxSender.fromEnvironment(Map.of("EMAIL_URL", service.baseUrl() + "/send")::get, store,
                clock).orElseThrow();
        assertThat(later.drainOnce().sent()).isEqualTo(1);
        assertThat(store.inTeam(ACME, TeamStore::outboxDepth)).isZero();
    }

    @Test
    void closeWaitsOnlyBrieflyForAHangingSendAndTheEmailStaysQueued() {
        OutboxEmail email = enqueue(ACME, "ada@example.com");
        answer(202, 8_000, "");
        HttpEmailTransport patient =
                new HttpEmailTransport(URI.create(service.baseUrl() + "/send"), GENEROUS, Duration.ofSeconds(30));
        OutboxSender sender = new OutboxSender(store, patient, clock, Duration.ofMillis(20), 10, Backoff.DEFAULT,
                () -> 0.0, Duration.ofMillis(300));
        sender.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !service.getAllServeEvents().isEmpty());

        long start = System.nanoTime();
        sender.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        // The executor reports termination while its last thread is still leaving run(): allow it that moment.
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .as("the drain thread has stopped").noneMatch(t -> t.getName().equals("outbox-sender") && t.isAlive()));
        // Interrupted by shutdown: no verdict on the email; it stays queued, due again when its claim ends.
        assertThat(sender.sentCount()).isZero();
        assertThat(sender.failedAttemptCount()).isZero();
        OutboxEmail unchanged = stored(ACME, email.id());
        assertThat(unchanged.attempts()).isZero();
        assertThat(unchanged.nextAttemptAt()).isEqualTo(T0.plus(OutboxSender.CLAIM_LEASE));
    }

    @Test
    void twoSendersDrainingOneOutboxAtOnceSendEachEmailOnce() throws Exception {
        // Two senders on one store stand for two server processes on one PostgreSQL: each claims an email
        // before sending it, so neither sends what the other has taken.
        List<OutboxEmail> queued = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            queued.add(enqueue(i % 2 == 0 ? ACME : GLOBEX, "client" + i + "@example.com"));
        }
        answer(202, 100, "");
        OutboxSender first = sender(GENEROUS);
        OutboxSender second = sender(GENEROUS);
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<OutboxSender.DrainResult>> drains = new ArrayList<>();
            for (OutboxSender sender : List.of(first, second)) {
                drains.add(both.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    return sender.drainOnce();
                }));
            }
            go.countDown();
            int sent = 0;
            for (Future<OutboxSender.DrainResult> drain : drains) {
                sent += drain.get(30, TimeUnit.SECONDS).sent();
            }
            assertThat(sent).isEqualTo(queued.size());
        } finally {
            both.shutdownNow();
        }
        assertThat(requestedKeys()).hasSize(queued.size()).doesNotHaveDuplicates();
        assertThat(first.sentCount()).as("both senders took part").isPositive();
        assertThat(second.sentCount()).as("both senders took part").isPositive();
    }

    @Test
    void sendsOnItsOwnScheduleOnceStartedAndStopsWhenClosed() {
        answer(202, 0, "");
        OutboxSender sender = sender(GENEROUS);
        try (sender) {
            sender.start();
            enqueue(ACME, "ada@example.com");
            await().atMost(Duration.ofSeconds(10)).until(() -> sender.sentCount() == 1);
        }
        enqueue(ACME, "later@example.com");
        int requests = service.getAllServeEvents().size();
        // Closed: nothing drains on its own any more; an explicit drain still flushes.
        assertThat(sender.outboxDepth()).isEqualTo(1);
        assertThat(service.getAllServeEvents()).hasSize(requests);
        assertThat(sender.drainOnce().sent()).isEqualTo(1);
    }
}
