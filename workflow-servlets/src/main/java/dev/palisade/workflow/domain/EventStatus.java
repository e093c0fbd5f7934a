package dev.palisade.workflow.domain;

/**
 * Where an event stands commercially. {@code LEAD} until a room is offered, {@code OPTION} while a
 * room is held for it (offer out, deposit pending), then one of the terminal states.
 */
public enum EventStatus {
    LEAD,
    OPTION,
    CONFIRMED,
    DECLINED,
    CANCELLED;

    /** Terminal events take no further messages into the workflow and hold no room. */
    public boolean isTerminal() {
        return this == CONFIRMED || this == DECLINED || this == CANCELLED;
    }

    /** Whether an event in this state occupies its room on its date. */
    public boolean holdsRoom() {
        return this == OPTION || this == CONFIRMED;
    }
}
