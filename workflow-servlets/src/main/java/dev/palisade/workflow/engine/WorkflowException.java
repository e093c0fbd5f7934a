package dev.palisade.workflow.engine;

/**
 * A request the workflow refuses. The message is a fixed sentence safe to show a client (it names
 * no client data, SQL or file); the servlets map the subclasses to 404 and 409.
 */
public abstract class WorkflowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected WorkflowException(String fixedSentence) {
        super(fixedSentence, null, false, false);
    }
}
