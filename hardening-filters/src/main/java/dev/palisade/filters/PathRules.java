package dev.palisade.filters;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A precompiled list of path patterns: {@code /exact}, {@code /prefix/*} (the prefix itself and
 * everything below it), {@code /*} (everything), each optionally preceded by an HTTP method
 * ({@code POST /api/uploads}). Matching is a few string comparisons per rule: no regex, no
 * allocation.
 *
 * <p>Paths are matched against the container's decoded, normalised path inside the context
 * (servlet path + path info), not the raw request URI, so {@code /health/../api/x} or
 * {@code /%61pi/x} cannot dodge a rule.
 */
final class PathRules {
    private static final String EXPECTED_SCOPE = "a comma list of \"METHOD /path\", \"/path\" or \"/prefix/*\"";
    private static final String EXPECTED_PREFIX = "a comma list of path prefixes such as /health or /static/*";

    private final String[] methods;
    private final String[] paths;
    private final boolean[] prefixes;

    private PathRules(List<Rule> rules) {
        int n = rules.size();
        methods = new String[n];
        paths = new String[n];
        prefixes = new boolean[n];
        for (int i = 0; i < n; i++) {
            methods[i] = rules.get(i).method;
            paths[i] = rules.get(i).path;
            prefixes[i] = rules.get(i).prefix;
        }
    }

    /** The scope list ({@code paths}): method + exact path or prefix. */
    static PathRules scope(String key, List<String> items) {
        List<Rule> rules = new ArrayList<>(items.size());
        for (String item : items) {
            String text = item.trim();
            String method = null;
            int space = indexOfSpace(text);
            if (space >= 0) {
                method = text.substring(0, space);
                text = text.substring(space).trim();
                if (!isMethod(method)) {
                    throw InvalidSettingException.badValue(key, item, EXPECTED_SCOPE);
                }
            }
            Rule rule = path(text, method, false);
            if (rule == null) {
                throw InvalidSettingException.badValue(key, item, EXPECTED_SCOPE);
            }
            rules.add(rule);
        }
        return new PathRules(rules);
    }

    /** The allowlist: every item is a prefix, with or without the trailing {@code /*}. */
    static PathRules prefixes(String key, List<String> items) {
        List<Rule> rules = new ArrayList<>(items.size());
        for (String item : items) {
            Rule rule = path(item.trim(), null, true);
            if (rule == null) {
                throw InvalidSettingException.badValue(key, item, EXPECTED_PREFIX);
            }
            if (rule.path.isEmpty()) {
                // "/" or "/*" (an operator sparing the landing page) is a prefix of every path: the limiter would limit nothing.
                throw InvalidSettingException.badValue(key, item,
                        "a path prefix other than / or /* (every path starts with it: the limiter would limit nothing)");
            }
            rules.add(rule);
        }
        return new PathRules(rules);
    }

    boolean isEmpty() {
        return paths.length == 0;
    }

    /** The same rules with their paths case-folded ({@link Chars#foldCase}), to match a folded path against. */
    PathRules folded() {
        List<Rule> rules = new ArrayList<>(paths.length);
        for (int i = 0; i < paths.length; i++) {
            rules.add(new Rule(methods[i], Chars.foldCase(paths[i]), prefixes[i]));
        }
        return new PathRules(rules);
    }

    /** Whether some rule's path has letters that fold (capitals). */
    boolean hasCasedPaths() {
        for (String path : paths) {
            if (Chars.foldCase(path) != path) {
                return true;
            }
        }
        return false;
    }

    /** Whether any rule matches; {@code method} is ignored by rules without one. */
    boolean matches(String method, String path) {
        for (int i = 0; i < paths.length; i++) {
            if (methods[i] != null && !covers(methods[i], method)) {
                continue;
            }
            String rule = paths[i];
            if (prefixes[i]) {
                if (path.startsWith(rule) && (path.length() == rule.length() || path.charAt(rule.length()) == '/')) {
                    return true;
                }
            } else if (path.equals(rule)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a rule's method covers the request's: in any case, and a {@code GET} rule covers
     * {@code HEAD} too, which {@code HttpServlet} answers with {@code doGet}, doing the same work.
     */
    private static boolean covers(String ruleMethod, String requestMethod) {
        return ruleMethod.equalsIgnoreCase(requestMethod)
                || ("GET".equals(ruleMethod) && "HEAD".equalsIgnoreCase(requestMethod));
    }

    private static Rule path(String text, String method, boolean alwaysPrefix) {
        if (text.isEmpty() || text.charAt(0) != '/') {
            return null;
        }
        boolean prefix = alwaysPrefix;
        String path = text;
        if (path.endsWith("/*")) {
            prefix = true;
            path = path.substring(0, path.length() - 2);
        } else if (path.length() > 1 && path.endsWith("/")) {
            // Requests are matched with and without one trailing slash, so the rule is written
            // without: /api/send/ must cover /api/send too.
            path = path.substring(0, path.length() - 1);
        }
        if (prefix && path.equals("/")) {
            path = "";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            // ',' separates the text form's items: a path holding one was a list written as one entry.
            if (c <= ' ' || c == ',' || c == '*' || c == '?' || c == '#' || c == '%' || c == '\\' || c >= 0x7F) {
                return null;
            }
        }
        if (RequestPaths.hasUnresolvedSegments(path)) {
            return null;
        }
        return new Rule(method, path, prefix);
    }

    private static int indexOfSpace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ' || text.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    private static boolean isMethod(String method) {
        if (method.isEmpty() || method.length() > 20) {
            return false;
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return true;
    }

    private record Rule(String method, String path, boolean prefix) {
    }
}
