package dev.palisade.filters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Per-path body limits that override the filter-wide limit, such as a larger one for an upload
 * route. A pattern is an exact path ({@code /api/uploads}) or a prefix ending in {@code /*}
 * ({@code /api/uploads/*}, which also matches {@code /api/uploads} itself, as servlet mappings do).
 * An exact match wins; otherwise the longest matching prefix; otherwise the filter-wide limit.
 *
 * <p>Text form, for the {@code pathLimits} init-param: a comma list of {@code pattern=bytes},
 * for example {@code /api/uploads/*=10485760, /api/avatar=262144}. Parsing is strict: a pattern
 * not starting with {@code /}, a {@code *} anywhere but a trailing {@code /*}, a {@code %},
 * {@code \\}, {@code ?}, {@code #}, empty or dot segment (the patterns are decoded, normalised
 * paths, as the container maps them), a value that is not a whole number of bytes, or the same
 * pattern twice (also in another letter case) fails. An exact pattern and the request's path both
 * match with or without one trailing slash, and without regard to case: an application may route
 * so, and a stricter limit must not be dodged by writing the path in capitals. The filter also
 * looks up the raw URI's segments as sent, for a stricter limit only (see
 * {@code RequestSizeLimitFilter}).
 */
public final class PathLimits {
    private static final PathLimits NONE = new PathLimits(Map.of(), List.of());

    private final Map<String, Long> exact;
    /** Prefixes without the trailing {@code /*}, longest first. */
    private final List<Map.Entry<String, Long>> prefixes;

    private PathLimits(Map<String, Long> exact, List<Map.Entry<String, Long>> prefixes) {
        this.exact = exact;
        this.prefixes = prefixes;
    }

    public static PathLimits none() {
        return NONE;
    }

    /** Parses the text form; {@code key} names the setting in error messages. */
    public static PathLimits parse(String key, String text) {
        Map<String, Long> limits = new LinkedHashMap<>();
        for (String item : text.split(",", -1)) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                // As in every other list setting: "/a/*=10," (a trailing comma) is the one entry.
                continue;
            }
            int eq = entry.lastIndexOf('=');
            if (eq < 0) {
                throw InvalidSettingException.badValue(key, entry, "/path=bytes or /prefix/*=bytes");
            }
            String pattern = entry.substring(0, eq).trim();
            String bytes = entry.substring(eq + 1).trim();
            long value;
            try {
                // Long.parseLong alone would also take a leading + and digits of other scripts.
                value = Settings.WHOLE_NUMBER.matcher(bytes).matches() ? Long.parseLong(bytes) : -1;
            } catch (NumberFormatException e) {
                value = -1;
            }
            if (value < 0) {
                throw InvalidSettingException.badValue(key, entry, "a whole number of bytes >= 0 after '='");
            }
            add(limits, key, pattern, value);
        }
        return of(limits);
    }

    /** Builds from {@code pattern -> bytes}, with the same checks as {@link #parse}. */
    public static PathLimits of(Map<String, Long> patterns) {
        Map<String, Long> exact = new LinkedHashMap<>();
        List<Map.Entry<String, Long>> prefixes = new ArrayList<>();
        Set<String> folded = new HashSet<>();
        for (Map.Entry<String, Long> e : patterns.entrySet()) {
            checkPattern("pathLimits", e.getKey());
            if (e.getValue() == null || e.getValue() < 0) {
                throw InvalidSettingException.badValue("pathLimits", e.getKey() + "=" + e.getValue(),
                        "a whole number of bytes >= 0");
            }
            String pattern = normalised(e.getKey());
            if (!folded.add(Chars.foldCase(pattern))) {
                throw InvalidSettingException.badValue("pathLimits", e.getKey(), "each path pattern only once, in any letter case");
            }
            if (pattern.endsWith("/*")) {
                prefixes.add(Map.entry(pattern.substring(0, pattern.length() - 2), e.getValue()));
            } else if (exact.putIfAbsent(pattern, e.getValue()) != null) {
                throw InvalidSettingException.badValue("pathLimits", e.getKey(), "each path pattern only once");
            }
        }
        // Longest first; prefixes of one length never match the same path (case variants are refused),
        // so ordering them by name only makes equal limits given in any order compare equal.
        prefixes.sort(Comparator.comparingInt((Map.Entry<String, Long> p) -> p.getKey().length()).reversed()
                .thenComparing(Map.Entry::getKey));
        return exact.isEmpty() && prefixes.isEmpty() ? NONE : new PathLimits(Map.copyOf(exact), List.copyOf(prefixes));
    }

    static void add(Map<String, Long> limits, String key, String pattern, long bytes) {
        checkPattern(key, pattern);
        if (limits.putIfAbsent(normalised(pattern), bytes) != null) {
            throw InvalidSettingException.badValue(key, pattern, "each path pattern only once");
        }
    }

    /**
     * An exact pattern without its trailing slash: requests are looked up with and without one, so
     * {@code /api/avatar/} must mean {@code /api/avatar}, or it would miss the route written
     * without the slash.
     */
    private static String normalised(String pattern) {
        return pattern.length() > 1 && pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
    }

    private static void checkPattern(String key, String pattern) {
        // The patterns match the decoded, normalised path: an escape, a backslash, a query or
        // fragment mark, or an empty or dot segment could never match it, and would silently
        // leave the route on the filter-wide limit.
        boolean ok = pattern != null && pattern.startsWith("/")
                && (pattern.indexOf('*') < 0 || (pattern.endsWith("/*") && pattern.indexOf('*') == pattern.length() - 1))
                && pattern.chars().noneMatch(c -> c <= ' ' || c == ',' || c == '=' || c == 0x7F
                        || c == '%' || c == '\\' || c == '?' || c == '#')
                && !RequestPaths.hasUnresolvedSegments(pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 1) : pattern);
        if (!ok) {
            throw InvalidSettingException.badValue(key, String.valueOf(pattern),
                    "a decoded path starting with / and optionally ending in /*, without %, \\, ?, #, // or dot segments");
        }
    }

    /** The override for {@code path} (the path within the context), if any. */
    public OptionalLong limitFor(String path) {
        if (this == NONE) {
            return OptionalLong.empty();
        }
        Long hit = exact(path);
        if (hit == null && path.length() > 1 && path.endsWith("/")) {
            hit = exact(path.substring(0, path.length() - 1));
        }
        if (hit != null) {
            return OptionalLong.of(hit);
        }
        for (Map.Entry<String, Long> prefix : prefixes) {
            String p = prefix.getKey();
            if (path.regionMatches(true, 0, p, 0, p.length())
                    && (path.length() == p.length() || path.charAt(p.length()) == '/' || p.isEmpty())) {
                return OptionalLong.of(prefix.getValue());
            }
        }
        return OptionalLong.empty();
    }

    /** The exact pattern's limit for {@code path}: as written, else in another letter case. */
    private Long exact(String path) {
        Long hit = exact.get(path);
        if (hit != null) {
            return hit;
        }
        for (Map.Entry<String, Long> e : exact.entrySet()) {
            if (e.getKey().equalsIgnoreCase(path)) {
                return e.getValue();
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return this == NONE;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        exact.forEach((p, v) -> out.append(out.length() == 0 ? "" : ",").append(p).append('=').append(v));
        prefixes.forEach(e -> out.append(out.length() == 0 ? "" : ",").append(e.getKey()).append("/*=").append(e.getValue()));
        return out.toString();
    }

    /** The patterns as given to {@link #of} ({@code /prefix/*} for a prefix), for a builder to start from. */
    Map<String, Long> patterns() {
        Map<String, Long> patterns = new LinkedHashMap<>(exact);
        prefixes.forEach(e -> patterns.put(e.getKey() + "/*", e.getValue()));
        return patterns;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathLimits other && exact.equals(other.exact) && prefixes.equals(other.prefixes);
    }

    @Override
    public int hashCode() {
        return exact.hashCode() * 31 + prefixes.hashCode();
    }
}
