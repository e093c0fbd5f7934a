package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.palisade.filters.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Review stress check of flushIfDue racing record (and each other) on a clock the threads move:
 * after the race, one flushIfDue past the interval must log the rest, so the lines' counts sum to
 * the total (none lost to a cleared pending flag, none logged twice).
 */
class RejectionLogRaceTest {
    private static final String LOGGER = RejectionLogRaceTest.class.getName() + ".rejections";
    private static final Pattern COUNT = Pattern.compile("^Rejected (\\d+) ");

    @Test
    void recordAndFlushIfDueRacingLoseAndDoubleNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 200; round++) {
                AtomicLong nanos = new AtomicLong(1_000_000_000L);
                long interval = 1_000;
                try (LogCapture logs = LogCapture.of(LOGGER)) {
                    RejectionLog log = new RejectionLog(LoggerFactory.getLogger(LOGGER), "things", interval, nanos::get);
                    CyclicBarrier start = new CyclicBarrier(8);
                    List<Future<?>> done = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        boolean recorder = t % 2 == 0;
                        done.add(pool.submit(() -> {
                            start.await(10, TimeUnit.SECONDS);
                            for (int i = 0; i < 2_000; i++) {
                                nanos.addAndGet(7);
                                if (recorder) {
                                    log.record();
                                } else {
                                    log.flushIfDue();
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : done) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                    nanos.addAndGet(interval);
                    log.flushIfDue();
                    long logged = 0;
                    for (ILoggingEvent e : logs.events()) {
                        Matcher m = COUNT.matcher(e.getFormattedMessage());
                        assertThat(m.find()).as(e.getFormattedMessage()).isTrue();
                        logged += Long.parseLong(m.group(1));
                    }
                    assertThat(logged).as("round %d", round).isEqualTo(log.total()).isEqualTo(8_000);
                }
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
