package dev.palisade.workflow.domain;

public enum OfferStatus {
    /** Priced and waiting for a manager to approve sending it. */
    DRAFT,
    SENT,
    ACCEPTED,
    DECLINED,
    /** Replaced by a newer offer for the same event, or the event was cancelled. */
    WITHDRAWN
}
