package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gate in front of the {@code NO_ERROR} resets of early-answered HTTP/2 streams, with a
 * connection whose PINGs and deadlines the test answers by hand. The wiring to Vert.x and Netty is
 * tested on a real Quarkus ({@code QuarkusEarlyAnswersTest} in the quarkus-tests module).
 */
class PingGatedResetsTest {
    private final FakeConnection connection = new FakeConnection();
    private final PingGatedResets gate = new PingGatedResets(connection, () -> connection.nanos);

    @Test
    void aStreamIsResetOnceThePingSentAfterItsAnswerIsAcknowledged() {
        connection.open(1);
        gate.answered(1);

        assertThat(connection.pings).hasSize(1);
        assertThat(connection.resets).isEmpty();
        assertThat(connection.deadlines).containsExactly(PingGatedResets.DEADLINE_MILLIS);

        connection.acknowledge(0);
        assertThat(connection.resets).containsExactly(1);
        assertThat(connection.idle).isEqualTo(1);
    }

    @Test
    void aStreamWhoseClientHasEndedItsSideIsNotReset() {
        gate.answered(1);

        assertThat(connection.pings).isEmpty();
        assertThat(connection.resets).isEmpty();
    }

    @Test
    void streamsAnsweredWhileAPingIsOutWaitForTheNextOne() {
        connection.open(1, 3, 5);
        gate.answered(1);
        gate.answered(3);
        gate.answered(5);
        assertThat(connection.pings).as("one PING out at a time").hasSize(1);

        connection.acknowledge(0);
        assertThat(connection.resets).containsExactly(1);
        assertThat(connection.pings).as("the next, for the answers queued after the first").hasSize(2);
        assertThat(connection.idle).isZero();

        connection.acknowledge(1);
        assertThat(connection.resets).containsExactly(1, 3, 5);
        assertThat(connection.idle).isEqualTo(1);
    }

    @Test
    void aClientThatNeverAcknowledgesGetsOnePingAndItsResetsAtTheDeadline() {
        connection.open(1, 3, 5, 7);
        gate.answered(1);
        gate.answered(3);
        gate.answered(5);

        connection.runDeadline(0);
        assertThat(connection.resets).containsExactly(1, 3, 5);

        gate.answered(7);
        assertThat(connection.resets).as("late: reset at once").containsExactly(1, 3, 5, 7);
        assertThat(connection.pings).hasSize(1);
    }

    @Test
    void aLateAcknowledgementStartsAfresh() {
        connection.open(1, 3);
        gate.answered(1);
        connection.runDeadline(0);
        connection.acknowledge(0);
        assertThat(connection.idle).isEqualTo(1);

        gate.answered(3);
        assertThat(connection.resets).containsExactly(1);
        assertThat(connection.pings).hasSize(2);
        connection.acknowledge(1);
        assertThat(connection.resets).containsExactly(1, 3);
    }

    @Test
    void anEarlierPingsDeadlineDoesNothing() {
        connection.open(1, 3);
        gate.answered(1);
        connection.acknowledge(0);
        gate.answered(3);

        connection.runDeadline(0);
        assertThat(connection.resets).containsExactly(1);

        connection.runDeadline(1);
        assertThat(connection.resets).containsExactly(1, 3);
    }

    @Test
    void aDeadlineAfterTheAcknowledgementDoesNothing() {
        connection.open(1);
        gate.answered(1);
        connection.acknowledge(0);
        connection.runDeadline(0);

        assertThat(connection.resets).containsExactly(1);
        assertThat(connection.pings).hasSize(1);
    }

    @Test
    void pastTheCapAStreamIsResetAtOnce() {
        for (int i = 0; i < PingGatedResets.MAX_WAITING; i++) {
            connection.open(2 * i + 1);
            gate.answered(2 * i + 1);
        }
        assertThat(connection.resets).isEmpty();

        int extra = 2 * PingGatedResets.MAX_WAITING + 1;
        connection.open(extra);
        gate.answered(extra);
        assertThat(connection.resets).containsExactly(extra);
        assertThat(connection.pings).hasSize(1);
    }

    @Test
    void streamsTheClientClosedMakeRoomAtTheCap() {
        connection.open(1);
        gate.answered(1);
        for (int i = 1; i <= 10 * PingGatedResets.MAX_WAITING; i++) {
            connection.open(2 * i + 1);
            gate.answered(2 * i + 1);
            connection.close(2 * i + 1);
        }
        int last = 20 * PingGatedResets.MAX_WAITING + 3;
        connection.open(last);
        gate.answered(last);
        assertThat(connection.resets).as("the closed ones forgotten: room for the last").isEmpty();

        connection.acknowledge(0);
        connection.acknowledge(1);
        assertThat(connection.resets).containsExactly(1, last);
    }

    @Test
    void pingsGoOutAtMostTenASecondAndAnswersMeanwhileJoinTheNextOne() {
        connection.open(1, 3, 5, 7);
        gate.answered(1);
        connection.acknowledgeAfter(0, 10);
        assertThat(connection.resets).containsExactly(1);

        connection.advance(10);
        gate.answered(3);
        assertThat(connection.pings).as("20 ms after the last PING: the next waits").hasSize(1);
        assertThat(connection.dueDelays).containsExactly(PingGatedResets.MIN_PING_INTERVAL_MILLIS - 20);
        connection.advance(10);
        gate.answered(5);
        assertThat(connection.dueDelays).as("one PING due at a time").hasSize(1);

        connection.advance(PingGatedResets.MIN_PING_INTERVAL_MILLIS - 30);
        connection.runDue(0);
        assertThat(connection.pings).hasSize(2);
        assertThat(connection.resets).as("nothing reset before its PING's acknowledgement").containsExactly(1);
        gate.answered(7);
        connection.acknowledgeAfter(1, 1);
        assertThat(connection.resets).as("both answered before the PING went out, not the one after")
                .containsExactly(1, 3, 5);
        assertThat(connection.pings).as("the one after waits for the next PING").hasSize(2);
        assertThat(connection.dueDelays).hasSize(2);
    }

    @Test
    void anAcknowledgedPingsDeadlineDoesNothingWhileTheNextIsDue() {
        connection.open(1, 3);
        gate.answered(1);
        gate.answered(3);
        connection.acknowledgeAfter(0, 10);
        assertThat(connection.resets).containsExactly(1);
        assertThat(connection.dueDelays).hasSize(1);

        connection.runDeadline(0);
        assertThat(connection.resets).containsExactly(1);

        connection.advance(PingGatedResets.MIN_PING_INTERVAL_MILLIS);
        connection.runDue(0);
        connection.acknowledgeAfter(1, 1);
        assertThat(connection.resets).containsExactly(1, 3);
    }

    @Test
    void aStreamAnsweredOnceTheIntervalHasPassedGetsItsPingAtOnce() {
        connection.open(1, 3);
        gate.answered(1);
        connection.acknowledgeAfter(0, 10);
        connection.advance(PingGatedResets.MIN_PING_INTERVAL_MILLIS);

        gate.answered(3);
        assertThat(connection.pings).hasSize(2);
        assertThat(connection.dueDelays).isEmpty();
    }

    /** A PING that cannot wait (the scheduler is stopping) goes at once rather than never. */
    @Test
    void aPingThatCannotBeScheduledGoesAtOnce() {
        connection.open(1, 3);
        gate.answered(1);
        connection.acknowledgeAfter(0, 10);
        connection.refusesSchedules = true;

        gate.answered(3);
        assertThat(connection.pings).hasSize(2);
        connection.acknowledgeAfter(1, 1);
        assertThat(connection.resets).containsExactly(1, 3);
    }

    /** Records what the gate asks for; PING answers, deadlines and due PINGs run when the test says. */
    private static final class FakeConnection implements PingGatedResets.Connection {
        final Set<Integer> open = new HashSet<>();
        final List<Integer> resets = new ArrayList<>();
        final List<Runnable> pings = new ArrayList<>();
        final List<Runnable> deadlineTasks = new ArrayList<>();
        final List<Long> deadlines = new ArrayList<>();
        final List<Runnable> dueTasks = new ArrayList<>();
        final List<Long> dueDelays = new ArrayList<>();
        long nanos;
        int idle;
        boolean refusesSchedules;

        void open(int... streams) {
            for (int stream : streams) {
                open.add(stream);
            }
        }

        void close(int stream) {
            open.remove(stream);
        }

        /** The acknowledgement of {@code ping}, a round trip of {@link PingGatedResets#MIN_PING_INTERVAL_MILLIS} after it. */
        void acknowledge(int ping) {
            acknowledgeAfter(ping, PingGatedResets.MIN_PING_INTERVAL_MILLIS);
        }

        void acknowledgeAfter(int ping, long millis) {
            advance(millis);
            pings.get(ping).run();
        }

        void advance(long millis) {
            nanos += TimeUnit.MILLISECONDS.toNanos(millis);
        }

        void runDue(int index) {
            dueTasks.get(index).run();
        }

        void runDeadline(int ping) {
            deadlineTasks.get(ping).run();
        }

        @Override
        public boolean remoteOpen(int stream) {
            return open.contains(stream);
        }

        @Override
        public void reset(int stream) {
            if (open.remove(stream)) {
                resets.add(stream);
            }
        }

        @Override
        public void ping(Runnable onAnswer) {
            pings.add(onAnswer);
        }

        @Override
        public boolean schedule(Runnable task, long millis) {
            if (refusesSchedules) {
                return false;
            }
            if (millis == PingGatedResets.DEADLINE_MILLIS) {
                deadlineTasks.add(task);
                deadlines.add(millis);
            } else {
                dueTasks.add(task);
                dueDelays.add(millis);
            }
            return true;
        }

        @Override
        public void idle() {
            idle++;
        }
    }
}
