package dev.palisade.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A slow client's pace: runs a step at a fixed rate on its own scheduler until the step says stop
 * or fails, so that tests wait on the outcome (bounded) instead of sleeping between steps.
 */
final class Pace {
    /** One step of the client; returns whether to go on. */
    interface Step {
        boolean next() throws Exception;
    }

    private Pace() {
    }

    /** Runs {@code step} now and then every {@code period}; the future ends when it stops (or with its failure). */
    static CompletableFuture<Void> every(Duration period, Step step) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "slow-client");
            thread.setDaemon(true);
            return thread;
        });
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(scheduler.scheduleAtFixedRate(() -> {
            try {
                if (!done.isDone() && !step.next()) {
                    done.complete(null);
                }
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        }, 0, period.toNanos(), TimeUnit.NANOSECONDS));
        return done.whenComplete((ignored, failure) -> scheduler.shutdownNow());
    }
}
