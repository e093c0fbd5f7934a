package dev.palisade.workflow.domain;

import java.time.Duration;

/** Kinds of info-page snapshot, with how long a link stays valid. */
public enum SnapshotType {
    /** An offer page; also removed when its event becomes terminal. */
    OFFER(Duration.ofDays(7)),
    /** A room availability page; also removed when its event becomes terminal. */
    ROOMS(Duration.ofDays(7)),
    /** A questions-and-answers page, not tied to an event's life. */
    QNA(Duration.ofDays(365));

    private final Duration ttl;

    SnapshotType(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }
}
