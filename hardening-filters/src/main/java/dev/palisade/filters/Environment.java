package dev.palisade.filters;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment mode, decided once from the {@code ENV} variable: {@code dev}, {@code development}
 * or {@code local} (any case, trimmed) mean {@link Mode#DEV}; everything else — {@code prod},
 * {@code production}, {@code staging}, unset, blank or an unknown word — means {@link Mode#PROD}.
 *
 * <p>Prod is the default on purpose: a typo or a forgotten variable must never expose test or
 * debug routes. An unknown value is logged once as a WARN (escaped) when it is resolved.
 * {@link #reason()} says why the mode was chosen, for the server's start-up line.
 */
public final class Environment {
    /** The environment variable read by {@link #fromSystem()}. */
    public static final String VARIABLE = "ENV";

    private static final Logger LOG = LoggerFactory.getLogger(Environment.class);
    private static final int MAX_SHOWN_VALUE = 40;

    /** The two modes. Anything that is not clearly dev is prod. */
    public enum Mode {
        DEV, PROD;

        /** {@code "dev"} or {@code "prod"}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Mode mode;
    private final String raw;
    private final String reason;

    private Environment(Mode mode, String raw, String reason) {
        this.mode = mode;
        this.raw = raw;
        this.reason = reason;
    }

    /** Resolves {@code ENV} from the process environment. */
    public static Environment fromSystem() {
        return resolve(System::getenv);
    }

    /** Resolves {@code ENV} through {@code env} (a lookup such as {@code System::getenv}, or a test map). */
    public static Environment resolve(Function<String, String> env) {
        Objects.requireNonNull(env, "env");
        return fromValue(env.apply(VARIABLE));
    }

    /** Resolves {@code ENV} from a map of variables. */
    public static Environment resolve(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        return fromValue(env.get(VARIABLE));
    }

    /** Resolves the raw value of {@code ENV} ({@code null} when unset). */
    public static Environment fromValue(String rawValue) {
        if (rawValue == null) {
            return new Environment(Mode.PROD, null, VARIABLE + " unset -> prod");
        }
        String value = rawValue.trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "dev": case "development": case "local":
                return new Environment(Mode.DEV, rawValue, VARIABLE + "=" + value + " -> dev");
            case "prod": case "production": case "staging":
                return new Environment(Mode.PROD, rawValue, VARIABLE + "=" + value + " -> prod");
            case "":
                return new Environment(Mode.PROD, rawValue, VARIABLE + " blank -> prod");
            default:
                String reason = VARIABLE + "=\"" + shown(rawValue) + "\" unknown -> prod";
                LOG.warn("Unknown {} value; running in prod mode ({})", VARIABLE, reason);
                return new Environment(Mode.PROD, rawValue, reason);
        }
    }

    /** A mode decided by the application itself, with {@code why} as the reason ({@code "set in code"} if null). */
    public static Environment of(Mode mode, String why) {
        Objects.requireNonNull(mode, "mode");
        return new Environment(mode, null, why == null ? "set in code -> " + mode.label() : LogSafe.escape(why));
    }

    public Mode mode() {
        return mode;
    }

    public boolean isDev() {
        return mode == Mode.DEV;
    }

    public boolean isProd() {
        return mode == Mode.PROD;
    }

    /** The raw {@code ENV} value as found ({@code null} when unset or set in code). Not escaped. */
    public String raw() {
        return raw;
    }

    /** Why this mode: {@code ENV=development -> dev}, {@code ENV unset -> prod}, {@code ENV="qa" unknown -> prod}. Log-safe. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return mode.label() + " (" + reason + ")";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Environment e && e.mode == mode && Objects.equals(e.raw, raw)
                && e.reason.equals(reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, raw, reason);
    }

    private static String shown(String rawValue) {
        String capped = rawValue.length() <= MAX_SHOWN_VALUE ? rawValue : rawValue.substring(0, MAX_SHOWN_VALUE) + "...";
        return LogSafe.escape(capped).replace("\"", "\\\"");
    }
}
