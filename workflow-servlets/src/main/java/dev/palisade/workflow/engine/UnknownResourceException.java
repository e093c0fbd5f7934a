package dev.palisade.workflow.engine;

/**
 * The id names nothing in the caller's team: unknown, or another team's (the two are deliberately
 * indistinguishable). Maps to 404.
 */
public final class UnknownResourceException extends WorkflowException {
    private static final long serialVersionUID = 1L;

    public UnknownResourceException(String fixedSentence) {
        super(fixedSentence);
    }
}
