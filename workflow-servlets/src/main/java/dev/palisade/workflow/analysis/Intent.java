package dev.palisade.workflow.analysis;

/** What a client message asks for, as far as the workflow's steps care. */
public enum Intent {
    /** A booking request or details for one (date, guests, wishes). */
    ENQUIRY,
    /** Confirms the date or details proposed. */
    CONFIRM,
    /** Accepts the offer. */
    ACCEPT,
    /** Declines the offer or the booking. */
    DECLINE,
    /** Cancels the booking. */
    CANCEL,
    /** Asks for a different price, room or terms. */
    NEGOTIATE,
    /** A question that changes nothing in the booking. */
    QUESTION,
    /** Nothing recognised. */
    OTHER
}
