package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.palisade.filters.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RejectionLogTest {
    private static final String LOGGER = RejectionLogTest.class.getName() + ".rejections";
    private static final String WHAT = "requests over the rate limit (429)";
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    /** The first line comes at once, so it names no span: it says what the lines after it are. */
    private static final String FIRST = " (the first since start; from now on counted and logged at most once every 10 s)";

    private final FakeClock clock = new FakeClock();
    private final LogCapture logs = LogCapture.of(LOGGER);
    private final RejectionLog log = new RejectionLog(LoggerFactory.getLogger(LOGGER), WHAT, INTERVAL.toNanos(),
            clock::currentTimeNanos);

    @AfterEach
    void closeCapture() {
        logs.close();
    }

    @Test
    void logsTheFirstRejectionAtOnce() {
        log.record();

        assertThat(logs.events()).hasSize(1);
        ILoggingEvent line = logs.events().get(0);
        assertThat(line.getLevel()).isEqualTo(Level.WARN);
        assertThat(line.getLoggerName()).isEqualTo(LOGGER);
        assertThat(line.getFormattedMessage()).isEqualTo("Rejected 1 " + WHAT + FIRST);
        assertThat(log.total()).isEqualTo(1);
    }

    @Test
    void sumsAllRejectionsOfAnIntervalIntoOneLineWhenItEnds() {
        log.record();
        for (int i = 0; i < 999; i++) {
            clock.advance(Duration.ofMillis(1));
            log.record();
        }
        clock.advance(INTERVAL.minusMillis(999).minusNanos(1));
        log.record();
        assertThat(logs.lines()).as("1,000 rejections in the interval, 1 ns before it ends")
                .containsExactly("WARN Rejected 1 " + WHAT + FIRST);
        assertThat(log.total()).isEqualTo(1_001);

        clock.advance(Duration.ofNanos(1));
        log.record();

        assertThat(logs.lines()).containsExactly(
                "WARN Rejected 1 " + WHAT + FIRST,
                "WARN Rejected 1001 " + WHAT + " in the last 10 s");
        assertThat(log.total()).isEqualTo(1_002);
    }

    @Test
    void startsTheNextIntervalAtTheSummaryLine() {
        log.record();
        clock.advance(INTERVAL);
        log.record(); // summary: 1
        for (int i = 0; i < 50; i++) {
            log.record();
        }
        clock.advance(INTERVAL.minusNanos(1));
        log.record();
        assertThat(logs.events()).hasSize(2);

        clock.advance(Duration.ofNanos(1));
        log.record();

        assertThat(logs.lines()).containsExactly(
                "WARN Rejected 1 " + WHAT + FIRST,
                "WARN Rejected 1 " + WHAT + " in the last 10 s",
                "WARN Rejected 52 " + WHAT + " in the last 10 s");
        assertThat(log.total()).isEqualTo(54);
    }

    @Test
    void aCountOfRequestsLetThroughSaysSo() {
        RejectionLog letThrough = new RejectionLog(LoggerFactory.getLogger(LOGGER), "Let through",
                "requests whose check failed", INTERVAL.toNanos(), clock::currentTimeNanos);
        letThrough.record();
        letThrough.record();
        clock.advance(INTERVAL);
        letThrough.record();

        assertThat(logs.lines()).containsExactly(
                "WARN Let through 1 requests whose check failed" + FIRST,
                "WARN Let through 2 requests whose check failed in the last 10 s");
    }

    @Test
    void writesOneLineAfterAQuietSpellNotOnePerMissedInterval() {
        log.record();
        log.record();
        clock.advance(INTERVAL.multipliedBy(5).plusSeconds(3));
        log.record();

        assertThat(logs.events()).hasSize(2);
        assertThat(logs.events().get(1).getFormattedMessage()).isEqualTo("Rejected 2 " + WHAT + " in the last 53 s");
        assertThat(log.total()).isEqualTo(3);
    }

    @Test
    void flushLogsTheTailOfABurstAndNothingWhenThereIsNone() {
        log.record();
        log.record();
        log.record();
        clock.advance(Duration.ofSeconds(4));
        log.flush();
        log.flush();

        assertThat(logs.lines()).containsExactly(
                "WARN Rejected 1 " + WHAT + FIRST,
                "WARN Rejected 2 " + WHAT + " in the last 4 s");
        assertThat(log.total()).isEqualTo(3);
    }

    /** Without a timer thread, the tail of a burst is logged with the next request after the interval, rejected or not. */
    @Test
    void theFirstRequestAfterTheIntervalLogsTheTailOfABurst() {
        log.record();
        log.record();
        log.record();
        clock.advance(INTERVAL.minusNanos(1));
        log.flushIfDue();
        assertThat(logs.lines()).as("within the interval").containsExactly("WARN Rejected 1 " + WHAT + FIRST);

        clock.advance(Duration.ofNanos(1));
        log.flushIfDue();
        log.flushIfDue();
        assertThat(logs.lines()).containsExactly(
                "WARN Rejected 1 " + WHAT + FIRST,
                "WARN Rejected 2 " + WHAT + " in the last 10 s");

        // Nothing counted since: later requests log nothing, and the next rejection's span starts at that line.
        clock.advance(INTERVAL.multipliedBy(3));
        log.flushIfDue();
        assertThat(logs.events()).hasSize(2);
        log.record();
        assertThat(logs.lines()).last().isEqualTo("WARN Rejected 1 " + WHAT + " in the last 30 s");
        assertThat(log.total()).isEqualTo(4);
    }

    @Test
    void aRequestBeforeAnyRejectionLogsNothing() {
        clock.advance(INTERVAL.multipliedBy(2));
        log.flushIfDue();
        log.record();

        assertThat(logs.lines()).containsExactly("WARN Rejected 1 " + WHAT + FIRST);
    }

    @Test
    void aSpanIsRoundedToTheNearestSecondAndNeverReadAsZero() {
        log.record();
        log.record();
        clock.advance(Duration.ofMillis(300));
        log.flush();
        log.record();
        clock.advance(Duration.ofMillis(4_600));
        log.flush();
        log.record();
        clock.advance(INTERVAL.plusMillis(2));
        log.record();

        assertThat(logs.lines()).containsExactly(
                "WARN Rejected 1 " + WHAT + FIRST,
                "WARN Rejected 1 " + WHAT + " in the last 1 s",
                "WARN Rejected 1 " + WHAT + " in the last 5 s",
                "WARN Rejected 2 " + WHAT + " in the last " + INTERVAL.toSeconds() + " s");
    }

    @Test
    void concurrentRejectionsInOneIntervalLogOnceAndLoseNoCount() throws Exception {
        int threads = 16;
        int perThread = 10_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    assertThat(start.await(10, TimeUnit.SECONDS)).isTrue();
                    for (int i = 0; i < perThread; i++) {
                        log.record();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(log.total()).isEqualTo((long) threads * perThread);
        assertThat(logs.events()).as("the clock stood still: one line for 160,000 rejections").hasSize(1);

        clock.advance(INTERVAL);
        log.record();

        List<ILoggingEvent> events = logs.events();
        assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN));
        long logged = 0;
        for (ILoggingEvent e : events) {
            logged += ((Number) e.getArgumentArray()[1]).longValue();
        }
        assertThat(logged).as("every rejection is counted in exactly one line").isEqualTo(log.total())
                .isEqualTo((long) threads * perThread + 1);
    }
}
