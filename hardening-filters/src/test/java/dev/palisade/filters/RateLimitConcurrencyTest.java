package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RunningServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RateLimitConcurrencyTest {
    private static final int BURST = 50;
    private static final int THREADS = 32;
    private static final int PER_THREAD = 8;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Never advanced: no token is refilled during the test. */
    private final FakeClock clock = new FakeClock();

    @ParameterizedTest
    @EnumSource(Container.class)
    void grantsExactlyTheBurstToOneClientUnderConcurrentLoad(Container container) throws Exception {
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().rps(1).burst(BURST).clock(clock)
                .build());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
                .build();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> badRejections = Collections.synchronizedList(new ArrayList<>());
        try (LogCapture logs = LogCapture.of(RateLimitFilter.class)) {
            try (RunningServer server = container.start(ctx -> RateLimitFilterTest.deploy(ctx, filter))) {
                HttpRequest request = HttpRequest.newBuilder(server.uri("/api/x")).timeout(TIMEOUT).GET().build();
                CountDownLatch ready = new CountDownLatch(THREADS);
                CountDownLatch start = new CountDownLatch(1);
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                List<Future<?>> done = new ArrayList<>();
                try {
                    for (int t = 0; t < THREADS; t++) {
                        done.add(pool.submit(() -> {
                            ready.countDown();
                            assertThat(start.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                            for (int i = 0; i < PER_THREAD; i++) {
                                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                                statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                                if (response.statusCode() == 429) {
                                    String type = response.headers().firstValue("Content-Type").orElse("");
                                    if (!type.startsWith("application/problem+json")
                                            || !response.body().contains("\"status\":429")) {
                                        badRejections.add(type + " " + response.body());
                                    }
                                }
                            }
                            return null;
                        }));
                    }
                    assertThat(ready.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                    start.countDown();
                    pool.shutdown();
                    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("all requests answered in time").isTrue();
                    for (Future<?> f : done) {
                        f.get(1, TimeUnit.SECONDS); // rethrows a worker's failure
                    }
                } finally {
                    pool.shutdownNow();
                }

                int total = THREADS * PER_THREAD;
                assertThat(statuses.keySet()).containsExactlyInAnyOrder(200, 429);
                assertThat(statuses.get(200).get()).as("allowed").isEqualTo(BURST);
                assertThat(statuses.get(429).get()).as("rejected").isEqualTo(total - BURST);
                assertThat(badRejections).as("429s without a problem body").isEmpty();
                assertThat(filter.rejectedCount()).isEqualTo(total - BURST);
                // All 206 rejections fall well inside one 60 s interval: one WARN, for the first (or
                // the first few, when they race to it), which says how the rest are logged.
                assertThat(logs.text(e -> e.getLevel() == Level.WARN))
                        .matches("WARN Rejected \\d+ requests over the rate limit \\(429\\) by rate \\(the first since start; from now on "
                                + "counted and logged at most once every 60 s\\)");
            }
            // Stopping the container destroys the filter, which logs the rest of the burst.
            List<String> warnings = logs.lines().stream().filter(line -> line.startsWith("WARN")).toList();
            assertThat(warnings).hasSize(2);
            assertThat(warnings.stream().mapToLong(RateLimitConcurrencyTest::count).sum()).isEqualTo(206);
        }
    }

    private static long count(String warning) {
        return Long.parseLong(warning.substring("WARN Rejected ".length(), warning.indexOf(" requests")));
    }
}
