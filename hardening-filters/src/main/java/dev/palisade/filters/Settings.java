package dev.palisade.filters;

import jakarta.servlet.FilterConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One filter's raw settings, read strictly: the init-param first, then the environment variable,
 * then the default. Unknown init-param names and bad values fail with an
 * {@link InvalidSettingException} naming the key and value, so a typo in {@code web.xml} stops the
 * deployment instead of silently running on defaults.
 */
public final class Settings {
    static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,19}");
    private static final Pattern ASCII_DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,19}(\\.[0-9]{0,19})?|\\.[0-9]{1,19}");
    private final Map<String, String> params;
    private final Function<String, String> env;

    private Settings(Map<String, String> params, Function<String, String> env) {
        this.params = params;
        this.env = env;
    }

    /** Reads the init-params of {@code config}; any name outside {@code known} is rejected. */
    public static Settings from(FilterConfig config, Set<String> known, Function<String, String> env) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : Collections.list(config.getInitParameterNames())) {
            params.put(name, config.getInitParameter(name));
        }
        return from(config.getFilterName(), params, known, env);
    }

    /**
     * Refuses init-params given to a filter built from a {@code Config}: it reads none, and a
     * setting silently ignored is worse than a failed start.
     */
    static void requireNoInitParams(FilterConfig config) {
        Enumeration<String> names = config.getInitParameterNames();
        if (names != null && names.hasMoreElements()) {
            throw InvalidSettingException.ignoredKey(config.getFilterName(), names.nextElement());
        }
    }

    /** Same as {@link #from(FilterConfig, Set, Function)} for a plain map of init-params. */
    public static Settings from(String filterName, Map<String, String> params, Set<String> known,
            Function<String, String> env) {
        for (String name : params.keySet()) {
            if (!known.contains(name)) {
                throw InvalidSettingException.unknownKey(filterName, name);
            }
        }
        return new Settings(Map.copyOf(params), env == null ? key -> null : env);
    }

    /** An empty source: only environment variables (looked up through {@code env}) and defaults. */
    public static Settings fromEnvironment(Function<String, String> env) {
        return new Settings(Map.of(), env);
    }

    /** The raw text of a setting and where it came from, or empty when neither source has it. */
    public Optional<Source> raw(String param, String envVar) {
        if (param != null && params.containsKey(param)) {
            return Optional.of(new Source(param, params.get(param)));
        }
        if (envVar != null) {
            String value = env.apply(envVar);
            if (value != null && !value.isBlank()) {
                return Optional.of(new Source(envVar, value));
            }
        }
        return Optional.empty();
    }

    public String string(String param, String envVar, String defaultValue) {
        return raw(param, envVar).map(s -> s.value().trim()).orElse(defaultValue);
    }

    /** A whole number ≥ 0, times {@code unit} when it comes from the environment variable. */
    public long nonNegativeLong(String param, String envVar, long envUnit, long defaultValue) {
        Optional<Source> source = raw(param, envVar);
        if (source.isEmpty()) {
            return defaultValue;
        }
        boolean inUnits = source.get().key().equals(envVar);
        long value = parseNonNegative(source.get(), inUnits ? Long.MAX_VALUE / envUnit : Long.MAX_VALUE);
        return inUnits ? value * envUnit : value;
    }

    public long nonNegativeLong(String param, String envVar, long defaultValue) {
        return nonNegativeLong(param, envVar, 1, defaultValue);
    }

    /** A whole number from 1 to {@code max} (below 10^18); any other value fails naming that range. */
    public long positiveLong(String param, String envVar, long defaultValue, long max) {
        Optional<Source> source = raw(param, envVar);
        if (source.isEmpty()) {
            return defaultValue;
        }
        String text = source.get().value().trim();
        // A value past the range, however long, says the range; so does "-1" (not "a number >= 0").
        if (!WHOLE_NUMBER.matcher(text).matches() || text.length() > 18 || Long.parseLong(text) < 1
                || Long.parseLong(text) > max) {
            throw InvalidSettingException.badValue(source.get().key(), text, "a whole number >= 1 and <= " + max);
        }
        return Long.parseLong(text);
    }

    /** A number > 0, fractions allowed (rates such as 0.5 requests per second). */
    public double positiveDouble(String param, String envVar, double defaultValue) {
        Optional<Source> source = raw(param, envVar);
        if (source.isEmpty()) {
            return defaultValue;
        }
        String text = source.get().value().trim();
        if (!DECIMAL.matcher(text).matches()) {
            // Double.parseDouble also takes 2d, 0x1p3, 1e3 and NaN: not what a rate setting looks like.
            throw InvalidSettingException.badValue(source.get().key(), text, "a positive number");
        }
        try {
            double value = Double.parseDouble(text);
            if (!(value > 0) || Double.isInfinite(value)) {
                throw InvalidSettingException.badValue(source.get().key(), text, "a positive number");
            }
            return value;
        } catch (NumberFormatException e) {
            throw InvalidSettingException.badValue(source.get().key(), text, "a positive number");
        }
    }

    /** {@code true/false}, {@code 1/0}, {@code yes/no}, {@code on/off}. */
    public boolean bool(String param, String envVar, boolean defaultValue) {
        Optional<Source> source = raw(param, envVar);
        if (source.isEmpty()) {
            return defaultValue;
        }
        switch (source.get().value().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true": case "1": case "yes": case "on":
                return true;
            case "false": case "0": case "no": case "off":
                return false;
            default:
                throw InvalidSettingException.badValue(source.get().key(), source.get().value(),
                        "true or false, 1 or 0, yes or no, on or off");
        }
    }

    /** A comma-separated list; blank items are dropped, items are trimmed. */
    public List<String> list(String param, String envVar, List<String> defaultValue) {
        return raw(param, envVar).map(s -> split(s.value())).orElse(defaultValue);
    }

    static List<String> split(String text) {
        List<String> items = new ArrayList<>();
        for (String item : text.split(",")) {
            String trimmed = item.trim();
            if (!trimmed.isEmpty()) {
                items.add(trimmed);
            }
        }
        return List.copyOf(items);
    }

    /** A whole number from 0 to {@code max}; a larger one, however long, fails naming {@code max}. */
    private static long parseNonNegative(Source source, long max) {
        String text = source.value().trim();
        if (!ASCII_DIGITS.matcher(text).matches()) {
            // Long.parseLong also takes a leading + and digits of other scripts (Arabic-Indic, Devanagari).
            throw InvalidSettingException.badValue(source.key(), text, "a whole number >= 0");
        }
        long value;
        try {
            value = WHOLE_NUMBER.matcher(text).matches() ? Long.parseLong(text) : -1;
        } catch (NumberFormatException tooLarge) {
            value = -1;
        }
        if (value < 0 || value > max) {
            throw InvalidSettingException.badValue(source.key(), text, "a whole number >= 0 and <= " + max);
        }
        return value;
    }

    /**
     * An immutable copy of a list setting given in code ({@code null} for none), refusing a
     * {@code null} entry with an exception that names the setting instead of a bare NPE.
     */
    static <T> List<T> copyOf(String key, List<? extends T> values) {
        if (values == null) {
            return List.of();
        }
        for (T value : values) {
            if (value == null) {
                throw new InvalidSettingException(key, "Invalid value for " + key + ": a null entry");
            }
        }
        return List.copyOf(values);
    }

    /**
     * A setting's raw value and the init-param or environment variable it was read from. Its
     * {@code toString()} names the key and the value's length only: the value may be a secret
     * ({@code API_KEYS}).
     */
    public record Source(String key, String value) {
        @Override
        public String toString() {
            return "Source[key=" + key + ", value=(" + (value == null ? "null" : value.length() + " characters") + ")]";
        }
    }
}
