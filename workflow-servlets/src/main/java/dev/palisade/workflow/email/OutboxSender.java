package dev.palisade.workflow.email;

import dev.palisade.filters.Redactor;
import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.StoreUnavailableException;
import dev.palisade.workflow.store.TeamStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the store's outbox: every poll it claims each team's due emails one at a time (a short
 * transaction that moves the email's next attempt {@link #CLAIM_LEASE} ahead), sends it outside any
 * transaction, then records the outcome in another short transaction.
 *
 * <p><b>Never lost, never sent twice for one row.</b> A row is marked sent only after the service
 * answered 2xx. Every attempt carries the row's id as {@code Idempotency-Key}, so if the answer is
 * lost or the process dies between the 2xx and the mark, the repeat is recognised by the service.
 * Drains are serialised (one at a time per sender, whether scheduled or called), so one row is never
 * in flight twice from one process. A failed attempt leaves the row pending with its attempt count
 * raised and its next attempt pushed back ({@link Backoff}: 1 s, 2 s, 4 s ... 5 min, with jitter).
 * An email the service refuses outright (a 4xx) is not dropped either: it stays queued at the
 * longest backoff and is logged as a WARN for an operator.
 *
 * <p><b>An unhealthy service stops the drain.</b> After a retryable failure (timeout, 5xx, 429)
 * the rest of the drain is skipped: the next email would most likely wait out the same timeout.
 * So each poll costs at most one timeout while the service is down, and the backoff spreads the
 * queued emails' attempts out. The first such failure after a success is a WARN, the recovery an
 * INFO; failures in between are DEBUG.
 *
 * <p>Without {@code EMAIL_URL} the server creates no sender ({@link #fromEnvironment}); emails then
 * wait in the outbox until a server with a sender runs.
 *
 * <p>Several processes sharing one database (PostgreSQL) each run a sender. The claim keeps them off
 * each other's emails: once one sender has claimed a row, no other finds it due until the lease ends,
 * by which time it is sent, rescheduled by its backoff, or (its sender died mid-send) free to be
 * tried again. Only that last case can repeat a send, and the idempotency key covers it.
 *
 * <p><b>The stop is bounded.</b> {@link #stop()} goes on sending what is due for {@link #FLUSH_WINDOW}
 * at most, then claims nothing more; the email in flight gets until the close timeout. The queue is
 * durable, so what the stop does not reach goes out after the next start; one line says how much.
 *
 * <p>Thread-safe. Typical life: {@link #fromEnvironment} or {@link #create}, {@link #start()}; at
 * shutdown {@link #stop()} (or {@link #close()}, which does not flush), then close the store.
 */
public final class OutboxSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);

    public static final int DEFAULT_BATCH_SIZE = 50;
    /** Rounds of one batch per team within one drain, a guard in case rows stay due after handling. */
    private static final int MAX_BATCHES_PER_TEAM = 20;
    /**
     * How long a claimed email is not due for any other sender. Far longer than one send may take (its
     * timeouts are seconds); a sender that dies mid-send delays that one email by at most this much.
     */
    static final Duration CLAIM_LEASE = Duration.ofMinutes(5);
    /** "Pending at any time": far enough ahead for every backoff, small enough for any SQL timestamp. */
    private static final Duration ANY_TIME = Duration.ofDays(3650);
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(2);
    /**
     * How long {@link #stop()} goes on claiming due emails. A healthy service takes dozens in this time; a
     * slow one is not waited on email after email while the supervisor's grace period runs out.
     */
    public static final Duration FLUSH_WINDOW = Duration.ofSeconds(5);
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Store store;
    private final EmailTransport transport;
    private final Clock clock;
    private final Duration pollInterval;
    private final int batchSize;
    private final Backoff backoff;
    private final DoubleSupplier random;
    private final Duration closeTimeout;

    private final ReentrantLock drainLock = new ReentrantLock();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    /** Guarded by {@link #drainLock}: whether the last attempt failed as retryable (the service looks down). */
    private boolean serviceDown;
    /** Private, so that no caller holding the sender's own monitor can block its start or shutdown. */
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private ScheduledExecutorService scheduler;
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** {@link System#nanoTime()} after which no drain claims another email; set by {@link #stop()}. */
    private volatile long claimDeadline = NO_DEADLINE;
    /** Whether the last scheduled drain found the store unavailable (its next failures are DEBUG). */
    private volatile boolean storeWasUnavailable;

    /**
     * A sender with the default batch size, backoff and jitter.
     *
     * @param pollInterval pause between the end of one scheduled drain and the start of the next
     */
    public OutboxSender(Store store, EmailTransport transport, Clock clock, Duration pollInterval) {
        this(store, transport, clock, pollInterval, DEFAULT_BATCH_SIZE, Backoff.DEFAULT,
                () -> ThreadLocalRandom.current().nextDouble(), Duration.ofSeconds(15));
    }

    /**
     * @param batchSize    with a fixed factor of 20, the most emails one drain sends per team, so one team's
     *                     backlog cannot hold up the others' for long
     * @param random       values in [0, 1) for the backoff's jitter
     * @param closeTimeout how long {@link #close()} waits for a drain in progress
     */
    public OutboxSender(Store store, EmailTransport transport, Clock clock, Duration pollInterval, int batchSize,
            Backoff backoff, DoubleSupplier random, Duration closeTimeout) {
        this.store = Objects.requireNonNull(store, "store");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pollInterval = requirePositive(pollInterval, "pollInterval");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive");
        }
        this.batchSize = batchSize;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.random = Objects.requireNonNull(random, "random");
        this.closeTimeout = requirePositive(closeTimeout, "closeTimeout");
    }

    /** A sender posting over HTTP as {@code config} says; call {@link #start()} to run it. */
    public static OutboxSender create(EmailConfig config, Store store, Clock clock) {
        Duration closeTimeout = config.connectTimeout().plus(config.requestTimeout()).plusSeconds(2);
        return new OutboxSender(store, new HttpEmailTransport(config), clock, config.pollInterval(),
                DEFAULT_BATCH_SIZE, Backoff.DEFAULT, () -> ThreadLocalRandom.current().nextDouble(), closeTimeout);
    }

    /**
     * The sender the environment asks for, not started; empty when {@code EMAIL_URL} is unset, in which
     * case the caller starts none and emails stay queued in the store until a server with
     * {@code EMAIL_URL} runs (see {@link EmailConfig#fromEnvironment}).
     *
     * @throws IllegalArgumentException naming the variable when one is malformed
     */
    public static Optional<OutboxSender> fromEnvironment(Function<String, String> env, Store store, Clock clock) {
        return EmailConfig.fromEnvironment(env).map(config -> create(config, store, clock));
    }

    /** Starts draining every poll interval on one background thread. */
    public void start() {
        synchronized (lock) {
            startLocked();
        }
    }

    private void startLocked() {
        if (closed) {
            throw new IllegalStateException("outbox sender is closed");
        }
        if (scheduler != null) {
            throw new IllegalStateException("outbox sender already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbox-sender");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::scheduledDrain, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduledDrain() {
        try {
            drainOnce();
            storeWasUnavailable = false;
        } catch (StoreUnavailableException e) {
            // The database cannot serve now. This poll recurs every second: the first failure is a WARN, the
            // ones after it DEBUG until a drain gets through again.
            if (storeWasUnavailable) {
                LOG.debug("Outbox drain skipped, the store is still unavailable ({})", e.getMessage());
            } else {
                storeWasUnavailable = true;
                LOG.warn("Outbox drain skipped, the store is unavailable ({}); the emails stay queued and each poll"
                        + " tries again", e.getMessage());
            }
        } catch (RuntimeException e) {
            // A store failure must not end the schedule (an executor drops a task that throws).
            LOG.error("Outbox drain failed; the emails stay queued and the next poll tries again", e);
        }
    }

    /**
     * Sends every email due now, one drain at a time: a concurrent call waits for the running drain,
     * then finds the emails it handled no longer due. Store failures propagate (the rows stay queued).
     */
    public DrainResult drainOnce() {
        drainLock.lock();
        try {
            Instant now = clock.instant();
            int sentNow = 0;
            int failedNow = 0;
            for (Team team : store.teamsWithDueEmail(now)) {
                for (int n = 0; n < batchSize * MAX_BATCHES_PER_TEAM; n++) {
                    if (pastClaimDeadline()) {
                        // Stopping: what is not claimed stays queued for the next start.
                        return new DrainResult(sentNow, failedNow, true);
                    }
                    // One claim per email: a claimed row is not due for anyone else until the lease ends, and
                    // rows this drain does not reach (it stops at an outage) stay due on their own schedule.
                    Optional<OutboxEmail> claimed =
                            store.inTeam(team, tx -> tx.claimDueEmail(now, now.plus(CLAIM_LEASE)));
                    if (claimed.isEmpty()) {
                        break;
                    }
                    Outcome outcome = deliver(team, claimed.get());
                    if (outcome == Outcome.SENT) {
                        sentNow++;
                    } else if (outcome == Outcome.REFUSED) {
                        failedNow++;
                    } else if (outcome == Outcome.UNAVAILABLE) {
                        return new DrainResult(sentNow, failedNow + 1, true);
                    } else {
                        return new DrainResult(sentNow, failedNow, true);
                    }
                }
            }
            return new DrainResult(sentNow, failedNow, false);
        } finally {
            drainLock.unlock();
        }
    }

    private boolean pastClaimDeadline() {
        long deadline = claimDeadline;
        return deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0;
    }

    private enum Outcome {
        /** Accepted (2xx) and marked sent. */
        SENT,
        /** Refused by the service for this email; others may still go out. */
        REFUSED,
        /** The service did not answer usefully (timeout, 5xx, 429): others would most likely fail too. */
        UNAVAILABLE,
        /** The sender is being shut down mid-send: no verdict on the email or the service. */
        INTERRUPTED
    }

    /** Sends one email and records the outcome in the store. */
    private Outcome deliver(Team team, OutboxEmail email) {
        try {
            transport.send(email);
        } catch (EmailDeliveryException e) {
            if (Thread.currentThread().isInterrupted()) {
                // close() gave up waiting: the row stays pending, due again when its claim ends, for any sender.
                LOG.debug("Sending email {} interrupted by shutdown; it stays queued", email.id(), e);
                return Outcome.INTERRUPTED;
            }
            recordFailure(team, email, e.isRetryable(), e);
            return e.isRetryable() ? Outcome.UNAVAILABLE : Outcome.REFUSED;
        } catch (RuntimeException e) {
            // A defect in the transport, not a verdict on the email: treat it like an outage, keep the row.
            LOG.error("Email transport failed unexpectedly on email {}", email.id(), e);
            recordFailure(team, email, true, e);
            return Outcome.UNAVAILABLE;
        }
        Instant sentAt = clock.instant();
        boolean marked = store.inTeam(team, tx -> tx.markEmailSent(email.id(), sentAt));
        if (!marked) {
            LOG.debug("Email {} was already marked sent", email.id());
        }
        sent.incrementAndGet();
        if (serviceDown) {
            serviceDown = false;
            LOG.info("Email service accepts emails again; the outbox is draining");
        }
        return Outcome.SENT;
    }

    private void recordFailure(Team team, OutboxEmail email, boolean retryable, Exception cause) {
        failedAttempts.incrementAndGet();
        int attempts = email.attempts() + 1;
        Duration delay = retryable
                ? backoff.delayAfter(attempts, random.getAsDouble())
                : backoff.maxDelay(random.getAsDouble());
        Instant nextAttemptAt = clock.instant().plus(delay);
        store.inTeam(team, tx -> {
            tx.markEmailRetry(email.id(), attempts, nextAttemptAt);
            return null;
        });
        if (!retryable) {
            // The service answered, so it is up; only this email is refused.
            serviceDown = false;
            LOG.warn("Email {} to {} was refused by the email service ({}); it stays queued, next attempt {} (attempt {})",
                    email.id(), Redactor.redact(email.recipient()), cause.getMessage(), nextAttemptAt, attempts);
        } else if (!serviceDown) {
            serviceDown = true;
            LOG.warn("Email service unavailable ({}); emails stay queued and are retried with backoff", cause.getMessage(),
                    cause);
        } else {
            LOG.debug("Email {} attempt {} failed ({}); next attempt {}", email.id(), attempts, cause.getMessage(),
                    nextAttemptAt);
        }
    }

    /** Emails accepted by the service since start. */
    public long sentCount() {
        return sent.get();
    }

    /** Failed delivery attempts since start (one email may fail several times). */
    public long failedAttemptCount() {
        return failedAttempts.get();
    }

    /**
     * Pending emails of all teams, due or not. Costs one query plus one transaction per team with
     * pending email: for a metrics scrape, not for every request.
     */
    public long outboxDepth() {
        long depth = 0;
        for (Team team : store.teamsWithDueEmail(clock.instant().plus(ANY_TIME))) {
            depth += store.inTeam(team, TeamStore::outboxDepth);
        }
        return depth;
    }

    /**
     * Stops the schedule and waits up to the close timeout for a drain in progress; past it the email
     * in flight is interrupted (it stays queued, unchanged) and the drain gets two more seconds to
     * unwind. Does not flush: {@link #stop()} does.
     */
    @Override
    public void close() {
        ScheduledExecutorService running;
        synchronized (lock) {
            closed = true;
            running = scheduler;
        }
        if (running != null) {
            running.shutdown();
            awaitStop(running, closeTimeout);
        }
    }

    /**
     * The stop at shutdown, while the store is still open: no more scheduled drains; what is due goes on
     * being sent for {@link #FLUSH_WINDOW} (the close timeout if shorter), by the drain in progress or one
     * last drain, then nothing more is claimed; the email in flight gets until the close timeout after the
     * call, then is interrupted (it stays queued). Logs one line with how many emails stay queued.
     */
    public void stop() {
        long start = System.nanoTime();
        Duration window = FLUSH_WINDOW.compareTo(closeTimeout) < 0 ? FLUSH_WINDOW : closeTimeout;
        claimDeadline = start + window.toNanos();
        ScheduledExecutorService running;
        boolean alreadyClosed;
        synchronized (lock) {
            alreadyClosed = closed;
            closed = true;
            running = scheduler;
            if (running != null && !alreadyClosed) {
                // A task given before shutdown() still runs after it (periodic ones do not): the last drain.
                running.execute(this::scheduledDrain);
            }
        }
        if (running == null) {
            scheduledDrain();
        } else {
            running.shutdown();
            awaitStop(running, closeTimeout.minusNanos(System.nanoTime() - start));
        }
        logQueued();
    }

    private void awaitStop(ScheduledExecutorService running, Duration timeout) {
        try {
            if (!running.awaitTermination(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                LOG.warn("Outbox drain still running after {}; interrupting it (its emails stay queued)", closeTimeout);
                running.shutdownNow();
                // A moment for the interrupted send to unwind, so the store is not closed under it.
                if (!running.awaitTermination(INTERRUPT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Outbox drain did not stop within {} of being interrupted", INTERRUPT_GRACE);
                }
            }
        } catch (InterruptedException e) {
            running.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void logQueued() {
        long queued;
        try {
            queued = outboxDepth();
        } catch (RuntimeException e) {
            LOG.warn("Outbox sender stopped; how many emails stay queued is unknown ({})", e.getMessage());
            return;
        }
        if (queued == 0) {
            LOG.info("Outbox sender stopped; the outbox is empty");
        } else {
            LOG.info("Outbox sender stopped; {} emails stay queued and go out after the next start", queued);
        }
    }

    private static Duration requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return duration;
    }

    /**
     * What one drain did.
     *
     * @param sent    emails accepted by the service
     * @param failed  failed attempts (each row stays queued)
     * @param stopped whether the drain stopped early because the service looked down
     */
    public record DrainResult(int sent, int failed, boolean stopped) {
    }
}
