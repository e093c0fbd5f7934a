package dev.palisade.workflow.store.jdbc;

import static dev.palisade.workflow.store.jdbc.StoreTestSupport.T0;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_A;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.workflow.domain.EmailStatus;
import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.store.TeamStore;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutboxStoreTest extends OnBothDatabases {

    private static final Instant LATER = T0.plus(Duration.ofMinutes(5));

    @Test
    void enqueuesPendingEmailsDueAtOnceOldestFirst() {
        OutboxEmail first = enqueue("first", T0);
        OutboxEmail second = enqueue("second", T0.plusSeconds(1));

        assertThat(first.status()).isEqualTo(EmailStatus.PENDING);
        assertThat(first.attempts()).isZero();
        assertThat(first.nextAttemptAt()).isEqualTo(T0);
        assertThat(first.sentAt()).isNull();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.dueEmails(T0, 10))).containsExactly(first);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.dueEmails(LATER, 10))).containsExactly(first, second);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.dueEmails(LATER, 1))).containsExactly(first);
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.outboxDepth())).isEqualTo(2);
        assertThat(store.teamsWithDueEmail(T0.minusMillis(1))).isEmpty();
        assertThat(store.teamsWithDueEmail(T0)).containsExactly(TEAM_A);
    }

    @Test
    void sentEmailNeverBecomesDueAgainAndIsMarkedSentOnce() {
        OutboxEmail email = enqueue("once", T0);

        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.markEmailSent(email.id(), LATER))).isTrue();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.markEmailSent(email.id(), LATER))).isFalse();
        // A late retry record of a send that in fact succeeded must not resurrect the email.
        store.inTeam(TEAM_A, (TeamStore s) -> {
            s.markEmailRetry(email.id(), 3, LATER);
            return null;
        });

        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.dueEmails(LATER.plus(Duration.ofDays(1)), 10))).isEmpty();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.outboxDepth())).isZero();
        assertThat(store.teamsWithDueEmail(LATER.plus(Duration.ofDays(1)))).isEmpty();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.markEmailSent("unknown", LATER))).isFalse();
    }

    @Test
    void retryPostponesTheNextAttempt() {
        OutboxEmail email = enqueue("retry", T0);
        Instant next = T0.plus(Duration.ofSeconds(30));
        store.inTeam(TEAM_A, (TeamStore s) -> {
            s.markEmailRetry(email.id(), 1, next);
            return null;
        });

        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.dueEmails(next.minusMillis(1), 10))).isEmpty();
        assertThat(store.teamsWithDueEmail(next.minusMillis(1))).isEmpty();
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.dueEmails(next, 10))).singleElement().satisfies(due -> {
            assertThat(due.attempts()).isOne();
            assertThat(due.nextAttemptAt()).isEqualTo(next);
            assertThat(due.status()).isEqualTo(EmailStatus.PENDING);
        });
        assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.outboxDepth())).isOne();
    }

    @Test
    void listsEveryTeamWithDueEmailOnce() {
        enqueue("a1", T0);
        enqueue("a2", T0);
        store.inTeam(TEAM_B, (TeamStore s) -> s.enqueueEmail("b@example.com", "b", "body", T0));
        assertThat(store.teamsWithDueEmail(LATER)).containsExactly(TEAM_A, TEAM_B);
    }

    private OutboxEmail enqueue(String subject, Instant now) {
        return store.inTeam(TEAM_A, (TeamStore s) -> s.enqueueEmail("client@example.com", subject, "Dear client", now));
    }
}
