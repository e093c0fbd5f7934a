package dev.palisade.filters;

import dev.palisade.filters.ApiKeyAuthFilter.Access;
import dev.palisade.filters.ApiKeyAuthFilter.Rule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides which {@link Rule} governs a request: the most specific one, as servlet mappings do.
 * An exact path beats a prefix, a longer prefix beats a shorter one; for the same path, a rule
 * naming the request's method beats a {@code GET} rule applied to {@code HEAD}, which beats a
 * rule for any method. Order in the configuration does not matter, and two rules for the same
 * method and path are a configuration error, so no rule can be silently shadowed.
 * A path no rule covers needs a valid key with any role ({@link #DEFAULT}).
 */
final class AccessRules {
    static final Rule DEFAULT = new Rule(null, "/*", Access.AUTHENTICATED, Set.of());

    private static final Pattern METHOD = Pattern.compile("[A-Za-z]{1,20}");
    private static final String SYNTAX = "[METHOD ]PATH=ACCESS, PATH being /exact or /prefix/*, "
            + "ACCESS being public, authenticated or ROLE[|ROLE]";

    private final List<Rule> rules;
    /** The same rules with their paths case-folded, for the case-folded view of a request's path. */
    private final AccessRules lowerCased;
    /**
     * The folded paths (a prefix without its {@code /*}) of the rules with capitals: a path already in
     * lower case must be matched against the folded rules too when it starts so ({@code /api/reports}
     * is {@code /api/Reports} to a router that ignores case); no other path can meet one.
     */
    private final String[] casedBases;

    AccessRules(List<Rule> rules) {
        this(rules, false);
    }

    private AccessRules(List<Rule> rules, boolean folded) {
        this.rules = List.copyOf(rules);
        List<String> bases = new ArrayList<>();
        if (folded) {
            this.lowerCased = this;
        } else {
            List<Rule> foldedRules = new ArrayList<>(rules.size());
            for (Rule rule : rules) {
                String foldedPath = Chars.foldCase(rule.path());
                if (!foldedPath.equals(rule.path())) {
                    bases.add(foldedPath.endsWith("/*") ? foldedPath.substring(0, foldedPath.length() - 2) : foldedPath);
                }
                foldedRules.add(new Rule(rule.method(), foldedPath, rule.access(), rule.roles()));
            }
            this.lowerCased = new AccessRules(foldedRules, true);
        }
        this.casedBases = bases.toArray(new String[0]);
    }

    /**
     * Parses {@code [METHOD ]PATH=ACCESS} rules separated by {@code ;} or line breaks, for
     * example {@code GET /api/events/*=manager; POST /api/start-conversation=system|manager;
     * /health=public}.
     */
    static List<Rule> parse(String key, String text) {
        List<Rule> rules = new ArrayList<>();
        if (text == null) {
            return rules;
        }
        String[] items = text.split("[;\\r\\n]", -1);
        int position = 0;
        for (String raw : items) {
            String item = raw.trim();
            if (item.isEmpty()) {
                continue;
            }
            position++;
            rules.add(parseOne(key, position, item));
        }
        return rules;
    }

    private static Rule parseOne(String key, int position, String item) {
        int eq = item.indexOf('=');
        if (eq < 0) {
            throw bad(key, position, item, "no '='");
        }
        String[] target = item.substring(0, eq).trim().split("\\s+");
        String access = item.substring(eq + 1).trim();
        String method;
        String path;
        if (target.length == 1) {
            method = null;
            path = target[0];
        } else if (target.length == 2) {
            method = target[0];
            path = target[1];
        } else {
            throw bad(key, position, item, "more than METHOD and PATH before '='");
        }
        try {
            if (Access.PUBLIC.word().equals(access)) {
                return new Rule(method, path, Access.PUBLIC, Set.of());
            }
            if (Access.AUTHENTICATED.word().equals(access)) {
                return new Rule(method, path, Access.AUTHENTICATED, Set.of());
            }
            Set<String> roles = new LinkedHashSet<>(List.of(access.split("\\|", -1)));
            return new Rule(method, path, Access.ROLES, roles);
        } catch (IllegalArgumentException e) {
            throw bad(key, position, item, e.getMessage());
        }
    }

    /** Checks one rule's parts; the messages name the part at fault. */
    static void validate(String method, String path, Access access, Set<String> roles) {
        if (method != null && !METHOD.matcher(method).matches()) {
            throw new IllegalArgumentException("the method is not a word of letters");
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("the path does not start with /");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c == 0x7F || c == '?' || c == '#' || c == ';' || c == '=' || c == '|' || c == ',') {
                throw new IllegalArgumentException("the path has a space, control character or one of ? # ; = | ,"
                        + " (a comma list given as one path matches no request)");
            }
            if (c == '%' || c == '\\') {
                throw new IllegalArgumentException("the path has % or \\ (rules match the decoded path: "
                        + "write /api/events, not /api/%65vents)");
            }
            if (c > 0x7F) {
                // The raw URI's views keep non-ASCII bytes encoded, so such a rule could not see them.
                throw new IllegalArgumentException("the path has a character outside ASCII");
            }
        }
        if (RequestPaths.hasUnresolvedSegments(path)) {
            throw new IllegalArgumentException("the path has //, a . or a .. segment (rules match the normalised path)");
        }
        int star = path.indexOf('*');
        if (star >= 0 && (star != path.length() - 1 || !path.endsWith("/*"))) {
            throw new IllegalArgumentException("'*' is only allowed as a final /* (a prefix)");
        }
        if (access == null) {
            throw new IllegalArgumentException("no access given");
        }
        if (access == Access.ROLES) {
            if (roles == null || roles.isEmpty()) {
                throw new IllegalArgumentException("no role given");
            }
            for (String role : roles) {
                if (role == null || !ApiKeys.ROLE.matcher(role).matches()) {
                    throw new IllegalArgumentException("a role is not a word of a-z 0-9 _ - starting with a letter"
                            + " (or the access is not public, authenticated or ROLE[|ROLE])");
                }
                if (ApiKeys.RESERVED_ROLES.contains(role)) {
                    throw new IllegalArgumentException("\"" + role + "\" cannot be combined with roles");
                }
            }
        } else if (roles != null && !roles.isEmpty()) {
            throw new IllegalArgumentException(access.word() + " takes no roles");
        }
    }

    /** Fails on two rules for the same method and path, naming them. */
    static void checkDistinct(String key, List<Rule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            for (int j = 0; j < i; j++) {
                Rule a = rules.get(i);
                Rule b = rules.get(j);
                if (a.path().equals(b.path()) && java.util.Objects.equals(a.method(), b.method())) {
                    throw new InvalidSettingException(key, "Invalid value for " + key + ": rules " + (j + 1)
                            + " and " + (i + 1) + " both cover \"" + LogSafe.escape(a.describeTarget())
                            + "\" (each method and path may have one rule)");
                }
                // Every spelling must also meet the rule of its case-folded view: two rules that
                // fold alike would make that view's rule depend on their order.
                if (Chars.foldCase(a.path()).equals(Chars.foldCase(b.path()))
                        && java.util.Objects.equals(a.method(), b.method())) {
                    throw new InvalidSettingException(key, "Invalid value for " + key + ": rules " + (j + 1)
                            + " and " + (i + 1) + " cover \"" + LogSafe.escape(b.describeTarget()) + "\" and \""
                            + LogSafe.escape(a.describeTarget()) + "\", which differ only in letter case (write one"
                            + " rule: an application may route without regard to case)");
                }
            }
        }
    }

    /** The rule for a request; {@code method} as sent, {@code path} decoded and within the context. */
    Rule match(String method, String path) {
        String upper = method == null ? "" : method.toUpperCase(Locale.ROOT);
        Rule best = null;
        long bestScore = -1;
        for (Rule rule : rules) {
            long pathScore = pathScore(rule.path(), path);
            int methodScore = methodScore(rule.method(), upper);
            if (pathScore < 0 || methodScore < 0) {
                continue;
            }
            long score = pathScore * 4 + methodScore;
            if (score > bestScore) {
                bestScore = score;
                best = rule;
            }
        }
        return best == null ? DEFAULT : best;
    }

    /**
     * The rules of the other views of a request's path, which it must satisfy as well as the rule
     * of its mapped {@code path}: an application may route on the raw URI or ignore a trailing
     * slash, and a request must not reach a route by a spelling its rule does not see. The views
     * are {@code path} with one trailing slash less and, when the raw URI differs from the mapped
     * path, the raw URI taken {@code literal}ly and {@code normalized} (each also without a
     * trailing slash; {@code null} ones are skipped), and each of them in lower case, matched
     * against the rules in lower case: an application may route without regard to case (as the
     * environment gate matches), and {@code /r/ADMIN/x} must not pass as a path no rule names.
     * Empty, without allocating, for the common request: a plain raw URI in lower case and no
     * trailing slash.
     */
    List<Rule> otherViews(String method, String path, String literal, String normalized) {
        String slashless = RequestPaths.withoutTrailingSlash(path);
        String lowerPath = lowerView(path);
        if (literal == null && slashless == null && lowerPath == null) {
            return List.of();
        }
        List<Rule> found = new ArrayList<>(5);
        if (lowerPath != null) {
            addRule(found, lowerCased.match(method, lowerPath));
        }
        addView(found, method, slashless);
        if (literal != null) {
            addView(found, method, literal);
            addView(found, method, RequestPaths.withoutTrailingSlash(literal));
            addView(found, method, normalized);
            addView(found, method, normalized == null ? null : RequestPaths.withoutTrailingSlash(normalized));
        }
        return found;
    }

    private void addView(List<Rule> found, String method, String view) {
        if (view != null) {
            addRule(found, match(method, view));
            String lower = lowerView(view);
            if (lower != null) {
                addRule(found, lowerCased.match(method, lower));
            }
        }
    }

    private static void addRule(List<Rule> found, Rule rule) {
        if (!found.contains(rule)) {
            found.add(rule);
        }
    }

    /**
     * {@code path} case-folded ({@link Chars#foldCase}) to match against the folded rules, or
     * {@code null} when that would find nothing new: the path is already in lower case and no rule
     * with capitals could cover it (most paths: one scan, no allocation).
     */
    private String lowerView(String path) {
        String folded = Chars.foldCase(path);
        if (folded != path) {
            return folded;
        }
        for (String base : casedBases) {
            if (path.startsWith(base)) {
                return path;
            }
        }
        return null;
    }

    List<Rule> rules() {
        return rules;
    }

    /** The same rules with their paths case-folded. */
    AccessRules folded() {
        return lowerCased;
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Higher is more specific; {@code -1} when the pattern does not match. */
    private static long pathScore(String pattern, String path) {
        if (pattern.endsWith("/*")) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            boolean matches = path.equals(prefix) || path.startsWith(prefix + "/") || prefix.isEmpty();
            return matches ? prefix.length() : -1;
        }
        // Any exact match is more specific than any prefix match.
        return pattern.equals(path) ? Integer.MAX_VALUE + (long) pattern.length() : -1;
    }

    private static int methodScore(String ruleMethod, String requestMethod) {
        if (ruleMethod == null) {
            return 0;
        }
        if (ruleMethod.equals(requestMethod)) {
            return 2;
        }
        // HttpServlet answers HEAD with doGet, so a GET rule must guard HEAD too.
        return "GET".equals(ruleMethod) && "HEAD".equals(requestMethod) ? 1 : -1;
    }

    private static InvalidSettingException bad(String key, int position, String item, String what) {
        return new InvalidSettingException(key, "Invalid value for " + key + ": rule " + position + " \""
                + LogSafe.escape(item) + "\": " + what + " (expected " + SYNTAX + ")");
    }
}
