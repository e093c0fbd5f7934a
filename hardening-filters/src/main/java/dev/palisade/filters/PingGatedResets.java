package dev.palisade.filters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The HTTP/2 streams of one connection whose early answers wait for the client's acknowledgement of
 * a PING before their {@code NO_ERROR} reset (see {@link QuarkusStreamReset}): the reset then comes
 * after the client has read the answer. One PING is outstanding per connection however many streams
 * wait, so a client that never acknowledges one makes the server keep one pending PING, not one per
 * stream (Vert.x keeps each pending PING's handler for the connection's life). Streams answered
 * while a PING is out wait for the next one: the first PING's acknowledgement says nothing of an
 * answer queued after it.
 *
 * <p>Bounded in time and size: a PING not acknowledged within {@link #DEADLINE_MILLIS} has every
 * waiting stream reset anyway (those waiting for the next PING too: a client that has not answered
 * one for that long is not waited for again), and from then on, until the client acknowledges it,
 * every early answer's stream is reset at once (Quarkus's drain holds a worker thread on each stream
 * until it ends). More than
 * {@link #MAX_WAITING} streams waiting: those the client has closed since are forgotten, and if as
 * many remain, the newcomer is reset at once.
 *
 * <p>PINGs go out at most every {@link #MIN_PING_INTERVAL_MILLIS} per connection: answers that come
 * sooner wait for the next PING with those already waiting for it. Jetty 12.1 counts every PING frame
 * it receives, the client's acknowledgements included, with the resets it sends itself against one
 * rate (128 a second by default) and closes the connection past it: a PING per early answer made
 * that 64 early answers a second on one connection (66 in 0.9 s got {@code GOAWAY}
 * {@code ENHANCE_YOUR_CALM} in a test), where Jetty alone allows 128.
 *
 * <p>Confined to the connection's event loop: not thread-safe.
 */
final class PingGatedResets {
    /** Beyond any acknowledgement's round trip a live client needs, short of holding a worker long. */
    static final long DEADLINE_MILLIS = 3_000;
    /** Streams waiting per connection; Vert.x lets a client open 100 at once by default. */
    static final int MAX_WAITING = 32;
    /** At most ten PINGs a second per connection: a reset's wait grows by up to this much. */
    static final long MIN_PING_INTERVAL_MILLIS = 100;
    private static final long MIN_PING_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(MIN_PING_INTERVAL_MILLIS);

    /** What the gate does with its connection. */
    interface Connection {
        /** Whether the client may still send on {@code stream}. */
        boolean remoteOpen(int stream);

        /** Resets {@code stream} with {@code NO_ERROR}, if the client may still send on it. */
        void reset(int stream);

        /** Sends a PING; {@code onAnswer} runs on the event loop once it is acknowledged or has failed. */
        void ping(Runnable onAnswer);

        /** Runs {@code task} on the event loop after {@code millis}; false if it could not be scheduled. */
        boolean schedule(Runnable task, long millis);

        /** Nothing waits any more and no PING is out: the gate may be forgotten. */
        void idle();
    }

    private final Connection connection;
    private final LongSupplier nanoClock;
    /** Answered before the outstanding PING went out: reset at its acknowledgement. */
    private List<Integer> covered = new ArrayList<>();
    /** Answered since: they wait for the next PING. */
    private List<Integer> next = new ArrayList<>();
    private boolean pinging;
    /** The next PING waits for {@link #MIN_PING_INTERVAL_MILLIS} to pass: answers join {@link #covered}. */
    private boolean pingDue;
    private boolean pinged;
    private long lastPingNanos;
    /** The outstanding PING passed its deadline unacknowledged. */
    private boolean late;
    /** Tells a PING's deadline from a later PING's. */
    private int pings;

    PingGatedResets(Connection connection) {
        this(connection, System::nanoTime);
    }

    PingGatedResets(Connection connection, LongSupplier nanoClock) {
        this.connection = connection;
        this.nanoClock = nanoClock;
    }

    /** {@code stream}'s answer has ended: its reset, after a PING's round trip if the client may still send. */
    void answered(int stream) {
        if (!connection.remoteOpen(stream)) {
            return;
        }
        if (!pinging) {
            covered.add(stream);
            ping();
        } else if (late || !roomFor()) {
            connection.reset(stream);
        } else if (pingDue) {
            covered.add(stream);
        } else {
            next.add(stream);
        }
    }

    private boolean roomFor() {
        if (covered.size() + next.size() < MAX_WAITING) {
            return true;
        }
        covered.removeIf(stream -> !connection.remoteOpen(stream));
        next.removeIf(stream -> !connection.remoteOpen(stream));
        return covered.size() + next.size() < MAX_WAITING;
    }

    private void ping() {
        pinging = true;
        int ping = ++pings;
        long wait = pinged ? lastPingNanos + MIN_PING_INTERVAL_NANOS - nanoClock.getAsLong() : 0;
        if (wait > 0) {
            pingDue = true;
            if (connection.schedule(() -> {
                pingDue = false;
                send(ping);
            }, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)))) {
                return;
            }
            // Not scheduled (the connection's loop or scheduler is stopping): at once, or never.
            pingDue = false;
        }
        send(ping);
    }

    private void send(int ping) {
        pinged = true;
        lastPingNanos = nanoClock.getAsLong();
        connection.ping(this::acknowledged);
        connection.schedule(() -> deadline(ping), DEADLINE_MILLIS);
    }

    private void acknowledged() {
        if (late) {
            late = false;
            pinging = false;
            connection.idle();
            return;
        }
        resetAll(covered);
        covered = next;
        next = new ArrayList<>();
        if (covered.isEmpty()) {
            pinging = false;
            connection.idle();
        } else {
            ping();
        }
    }

    private void deadline(int ping) {
        if (!pinging || late || ping != pings) {
            return;
        }
        late = true;
        resetAll(covered);
        resetAll(next);
        covered = new ArrayList<>();
        next = new ArrayList<>();
    }

    private void resetAll(List<Integer> streams) {
        for (int stream : streams) {
            connection.reset(stream);
        }
    }
}
