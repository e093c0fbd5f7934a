package dev.palisade.workflow.domain;

/** What a manager is asked to approve. Every kind carries a drafted reply to the client. */
public enum TaskKind {
    /** A reply to a client message (intake, date confirmation, negotiation). */
    REPLY,
    /** The room availability result and the rooms proposed (step 3). */
    AVAILABILITY,
    /** A priced offer with its snapshot link (step 4). */
    OFFER,
    /** A deposit request after acceptance (step 6). */
    DEPOSIT_REQUEST,
    /** The booking confirmation (step 7). */
    CONFIRMATION
}
