package dev.palisade.workflow;

import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The workflow's environment variables read strictly, as the filter kit reads its own: a whole
 * number is ASCII digits only ({@code Long.parseLong} would also take {@code +30} and other
 * scripts' digits), a switch is one of the usual yes/no words, and a refusal is an
 * {@link IllegalArgumentException} in the form {@code Invalid value for NAME: "value" (expected ...)},
 * the value cut to 40 printable characters so that it cannot forge a log line.
 */
public final class EnvironmentValues {
    private static final Pattern ASCII_DIGITS = Pattern.compile("[0-9]{1,19}");
    private static final int SHOWN_CHARACTERS = 40;

    private EnvironmentValues() {
    }

    /**
     * The variable as a whole number from {@code min} to {@code max}, or {@code fallback} when it is
     * unset or blank; otherwise throws, saying what was {@code expected}.
     */
    public static long wholeNumber(Function<String, String> env, String name, long fallback, long min, long max,
            String expected) {
        String raw = env.apply(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        String text = raw.strip();
        if (ASCII_DIGITS.matcher(text).matches()) {
            try {
                long value = Long.parseLong(text);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException tooLarge) {
                throw invalid(name, raw, expected, tooLarge);
            }
        }
        throw invalid(name, raw, expected, null);
    }

    /** The variable as a switch ({@code 1/0}, {@code true/false}, {@code yes/no}, {@code on/off}). */
    public static boolean flag(Function<String, String> env, String name, boolean fallback) {
        String raw = env.apply(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on":
                return true;
            case "0", "false", "no", "off":
                return false;
            default:
                throw invalid(name, raw, "1 or 0, true or false, yes or no, on or off", null);
        }
    }

    private static IllegalArgumentException invalid(String name, String raw, String expected, Throwable cause) {
        return new IllegalArgumentException(
                "Invalid value for " + name + ": \"" + printable(raw.strip()) + "\" (expected " + expected + ")", cause);
    }

    /** The value as it may appear in a log line: at most 40 printable ASCII characters. */
    static String printable(String raw) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length() && out.length() < SHOWN_CHARACTERS; i++) {
            char c = raw.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
