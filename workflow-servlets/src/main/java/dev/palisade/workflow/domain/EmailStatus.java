package dev.palisade.workflow.domain;

public enum EmailStatus {
    /** Waiting for its first or next attempt. */
    PENDING,
    /** Accepted by the email service; never sent again. */
    SENT
}
