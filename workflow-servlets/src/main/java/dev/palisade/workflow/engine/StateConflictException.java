package dev.palisade.workflow.engine;

/**
 * The request does not fit the current state: a task already decided, a booking already closed, a
 * room taken in the meantime. Maps to 409; nothing was changed.
 */
public final class StateConflictException extends WorkflowException {
    private static final long serialVersionUID = 1L;

    public StateConflictException(String fixedSentence) {
        super(fixedSentence);
    }
}
