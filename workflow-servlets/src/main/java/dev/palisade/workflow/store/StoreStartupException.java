package dev.palisade.workflow.store;

/**
 * The store cannot start: the data directory is locked by another process, unreadable, or holds a
 * corrupt database. The message is one clear line for the operator; start-up must stop, never reset data.
 */
public final class StoreStartupException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreStartupException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreStartupException(String message) {
        super(message);
    }
}
