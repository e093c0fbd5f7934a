package dev.palisade.workflow.store.jdbc;

import static dev.palisade.workflow.store.jdbc.StoreTestSupport.T0;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_A;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.store.TeamStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link TeamStore#claimDueEmail}: what keeps two senders (two processes on one database) off the same email. */
class OutboxClaimTest extends OnBothDatabases {
    private static final Instant LEASE_END = T0.plus(Duration.ofMinutes(5));

    private OutboxEmail enqueue(String to, Instant at) {
        return store.inTeam(TEAM_A, (TeamStore tx) -> tx.enqueueEmail(to, "Subject", "Body", at));
    }

    private Optional<OutboxEmail> claim(Instant now) {
        return store.inTeam(TEAM_A, (TeamStore tx) -> tx.claimDueEmail(now, LEASE_END));
    }

    @Test
    void claimsTheOldestDueEmailUntilTheLeaseEnds() {
        OutboxEmail older = enqueue("first@example.com", T0.minusSeconds(10));
        OutboxEmail newer = enqueue("second@example.com", T0.minusSeconds(5));

        assertThat(claim(T0)).get().extracting(OutboxEmail::id).isEqualTo(older.id());
        assertThat(claim(T0)).as("the first is taken").get().extracting(OutboxEmail::id).isEqualTo(newer.id());
        assertThat(claim(T0)).as("both are taken").isEmpty();
        assertThat(store.inTeam(TEAM_A, (TeamStore tx) -> tx.dueEmails(LEASE_END.minusMillis(1), 10))).isEmpty();

        // A sender that never reported back: once the lease ends, the email is due again, for anyone.
        assertThat(claim(LEASE_END)).get().extracting(OutboxEmail::id).isEqualTo(older.id());
    }

    @Test
    void neverClaimsASentEmailOrAnotherTeamsEmail() {
        OutboxEmail sent = enqueue("sent@example.com", T0);
        store.inTeam(TEAM_A, (TeamStore tx) -> tx.markEmailSent(sent.id(), T0));
        enqueue("pending@example.com", T0);

        assertThat(store.inTeam(TEAM_B, (TeamStore tx) -> tx.claimDueEmail(T0, LEASE_END))).isEmpty();
        assertThat(claim(T0)).get().extracting(OutboxEmail::recipient).isEqualTo("pending@example.com");
        assertThat(claim(LEASE_END.plusSeconds(1))).get().extracting(OutboxEmail::recipient)
                .isEqualTo("pending@example.com");
    }

    @Test
    void aRetryRecordedAfterTheClaimSetsTheNextAttempt() {
        OutboxEmail email = enqueue("retry@example.com", T0);
        claim(T0);
        store.inTeam(TEAM_A, (TeamStore tx) -> {
            tx.markEmailRetry(email.id(), 1, T0.plusSeconds(1));
            return null;
        });

        assertThat(claim(T0.plusSeconds(1))).get().extracting(OutboxEmail::attempts).isEqualTo(1);
    }
}
