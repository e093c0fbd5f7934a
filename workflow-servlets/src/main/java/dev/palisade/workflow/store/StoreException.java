package dev.palisade.workflow.store;

/**
 * A failure of the database under the store. Its message is for the server log only (it may name
 * files or SQL); clients see a generic 5xx problem body.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
