package dev.palisade.workflow.store;

import dev.palisade.workflow.domain.Snapshot;
import dev.palisade.workflow.domain.Team;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The workflow's persistent state. Every read and write of team data goes through {@link #inTeam},
 * whose {@link TeamStore} is bound to one team: no method of it can reach another team's rows. The
 * only unscoped reads are a snapshot by its unguessable id and the list of teams with email due
 * (for the outbox sender, which then reads each team's outbox through {@link #inTeam}).
 *
 * <p>Implementations are JDBC stores, one per SQL dialect (SQLite embedded, PostgreSQL shared).
 * {@code inTeam} runs the work in one transaction and commits durably before it returns: a write
 * whose request was answered 2xx survives a crash. Work must not call slow services (the LLM, the
 * email service) while inside; do that before or after.
 */
public interface Store extends AutoCloseable {

    /**
     * Runs {@code work} in one transaction scoped to {@code team}. Commits when it returns, rolls back
     * when it throws (the exception propagates). Writers are serialised, so read-modify-write of one
     * event inside {@code work} cannot lose an update.
     */
    <T> T inTeam(Team team, TeamWork<T> work);

    /** The snapshot with this id unless it is unknown or expired at {@code now}. Not team scoped: the id is the credential. */
    Optional<Snapshot> snapshot(String snapshotId, Instant now);

    /** Teams with at least one pending email whose next attempt is due at {@code now}. */
    List<Team> teamsWithDueEmail(Instant now);

    /** Deletes expired snapshots of every team; returns how many. Run periodically. */
    int purgeExpiredSnapshots(Instant now);

    /** Short name of the backing database for the start-up line, e.g. {@code sqlite:/var/lib/palisade/palisade.db}. */
    String describe();

    /** Releases connections and the data-directory lock. */
    @Override
    void close();
}
