package dev.palisade.filters;

/**
 * A filter setting that cannot be used. The message names the setting and the offending value
 * (secrets are never echoed), so an operator can fix the deployment from the log line alone.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidSettingException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The init-param or environment variable at fault. */
    public String key() {
        return key;
    }

    static InvalidSettingException badValue(String key, String value, String expected) {
        return new InvalidSettingException(key,
                "Invalid value for " + key + ": \"" + LogSafe.escape(value) + "\" (expected " + expected + ")");
    }

    static InvalidSettingException unknownKey(String filterName, String key) {
        return new InvalidSettingException(key,
                "Unknown init-param for " + filterName + ": \"" + LogSafe.escape(key) + "\"");
    }
}
