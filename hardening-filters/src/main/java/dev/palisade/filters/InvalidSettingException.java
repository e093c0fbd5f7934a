package dev.palisade.filters;

/**
 * A filter setting that cannot be used. The filters' messages name the setting and the offending
 * value (never a key's token), so an operator can fix the deployment from the log line alone. A
 * message given to the public constructor is used as written: keep secrets out of it.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;
    /** What a valid value looks like, when the failure is a bad value; else {@code null}. */
    private final String expected;

    public InvalidSettingException(String key, String message) {
        this(key, message, null);
    }

    private InvalidSettingException(String key, String message, String expected) {
        super(message);
        this.key = key;
        this.expected = expected;
    }

    /** The init-param or environment variable at fault. */
    public String key() {
        return key;
    }

    static InvalidSettingException badValue(String key, String value, String expected) {
        return new InvalidSettingException(key,
                "Invalid value for " + key + ": \"" + LogSafe.escape(value) + "\" (expected " + expected + ")", expected);
    }

    /**
     * The same failure told in terms of the setting the value really came from: a config object
     * checks its fields by their own names ({@code rps}), while the operator wrote an environment
     * variable ({@code RATE_LIMIT_RPS}) in a form the field's number no longer shows ({@code 1e-9}).
     * A failure that is not about one value keeps its message under the new key.
     */
    public InvalidSettingException as(String settingKey, String writtenValue) {
        return expected == null
                ? new InvalidSettingException(settingKey, getMessage())
                : badValue(settingKey, writtenValue, expected);
    }

    static InvalidSettingException ignoredKey(String filterName, String key) {
        return new InvalidSettingException(key, "Init-param for " + LogSafe.escape(filterName) + " would be ignored: \""
                + LogSafe.escape(key) + "\" (the filter was built from a Config; set it there)");
    }

    static InvalidSettingException unknownKey(String filterName, String key) {
        return new InvalidSettingException(key,
                "Unknown init-param for " + filterName + ": \"" + LogSafe.escape(key) + "\"");
    }
}
