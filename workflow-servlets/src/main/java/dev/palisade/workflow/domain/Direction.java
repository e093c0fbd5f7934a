package dev.palisade.workflow.domain;

public enum Direction {
    /** From the client. */
    INBOUND,
    /** To the client, after a manager approved it. */
    OUTBOUND
}
