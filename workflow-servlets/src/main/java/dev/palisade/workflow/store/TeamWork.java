package dev.palisade.workflow.store;

/** Work run inside one team-scoped transaction. */
@FunctionalInterface
public interface TeamWork<T> {
    T run(TeamStore store);
}
