package dev.palisade.filters;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Settings of the chain's members that are each valid but together weaken it, found when
 * {@link Hardening} installs the chain and logged as warnings (each is a choice an application may
 * make on purpose, so none stops start-up):
 * <ul>
 * <li>a path the rate limiter never limits ({@code allowlist}) where a key is checked: guesses at
 *     keys there are never slowed down;</li>
 * <li>a dev-only path that is public to the key check: in prod it answers 404 without a key where an
 *     unknown path answers 401, so it shows that it exists.</li>
 * </ul>
 */
final class ChainOverlaps {
    /** A segment no rule names, standing for "any path below a prefix". */
    private static final String ANY_SEGMENT = "/\u0000any";
    /** The methods a rule may single out: a key checked for any of them can be guessed at. */
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

    private ChainOverlaps() {
    }

    /** What to warn about; empty when the members agree. */
    static List<String> find(Hardening.Config config) {
        // A set: several limiters with the same allowlist make one warning.
        Set<String> found = new LinkedHashSet<>();
        ApiKeyAuthFilter.Config auth = config.apiKeyAuth();
        if (auth == null) {
            return List.of();
        }
        AccessRules rules = new AccessRules(auth.rules());
        for (RateLimitFilter.Config rate : config.rateLimits()) {
            for (String prefix : rate.allowlist()) {
                String base = base(prefix);
                List<String> keyed = new ArrayList<>();
                for (String[] sample : keyedUnder(rules, base)) {
                    if (!limitedByAny(config.rateLimits(), sample[0])) {
                        keyed.add(sample[1]);
                    }
                }
                if (!keyed.isEmpty()) {
                    found.add("no rate limiter limits " + keyed + " (allowlist " + prefix + "), where a key is "
                            + "checked: guesses at keys there are never slowed down (make them public, or take "
                            + prefix + " off the allowlist)");
                }
            }
        }
        EnvironmentGateFilter.Config gate = config.environmentGate();
        if (gate != null && gate.mode() == Environment.Mode.PROD) {
            for (String pattern : gate.devOnlyPaths()) {
                String path = pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 2) : pattern;
                if (publicAt(rules, path, pattern.endsWith("/*"))) {
                    found.add("the dev-only path " + pattern + " is public to the key check: in prod it answers "
                            + "404 without a key where an unknown path answers 401, and so shows it exists");
                }
            }
        }
        return List.copyOf(found);
    }

    /** {@code /x}, {@code /x/} and {@code /x/*} alike: the path the prefix stands for ({@code ""} for the root). */
    private static String base(String prefix) {
        String base = prefix.endsWith("/*") ? prefix.substring(0, prefix.length() - 2) : prefix;
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /**
     * The paths at or below {@code base} that need a key, for some method: each as a sample path to
     * ask the limiters about and as it is shown.
     */
    private static List<String[]> keyedUnder(AccessRules rules, String base) {
        List<String[]> keyed = new ArrayList<>();
        String self = base.isEmpty() ? "/" : base;
        if (needsKeyForSomeMethod(rules, self)) {
            keyed.add(new String[] {self, self});
        }
        if (needsKeyForSomeMethod(rules, base + ANY_SEGMENT)) {
            keyed.add(new String[] {base + ANY_SEGMENT, base + "/*"});
        }
        for (ApiKeyAuthFilter.Rule rule : rules.rules()) {
            String ruled = base(rule.path());
            if (rule.access() != ApiKeyAuthFilter.Access.PUBLIC && ruled.startsWith(base + "/")) {
                String sample = rule.path().endsWith("/*") ? ruled + ANY_SEGMENT : ruled;
                keyed.add(new String[] {sample, rule.describeTarget()});
            }
        }
        return keyed;
    }

    private static boolean needsKeyForSomeMethod(AccessRules rules, String path) {
        for (String method : METHODS) {
            if (rules.match(method, path).access() != ApiKeyAuthFilter.Access.PUBLIC) {
                return true;
            }
        }
        return false;
    }

    /** Whether some limiter's scope takes {@code path} (for some method) and its allowlist does not spare it. */
    private static boolean limitedByAny(List<RateLimitFilter.Config> limiters, String path) {
        for (RateLimitFilter.Config limiter : limiters) {
            if (inScope(limiter.paths(), path) && !spared(limiter.allowlist(), path)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inScope(List<String> scope, String path) {
        if (scope.isEmpty()) {
            return true;
        }
        for (String entry : scope) {
            // "METHOD /path" or "/path": the method does not matter here, some method reaches the path.
            String pattern = entry.substring(entry.indexOf('/'));
            if (pattern.endsWith("/*") ? under(path, base(pattern)) : path.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    private static boolean spared(List<String> allowlist, String path) {
        for (String prefix : allowlist) {
            if (under(path, base(prefix))) {
                return true;
            }
        }
        return false;
    }

    private static boolean under(String path, String base) {
        return base.isEmpty() || path.equals(base) || path.startsWith(base + "/");
    }

    /** Whether the dev-only {@code path} (and, for a prefix, anything below it) is public to the key check. */
    private static boolean publicAt(AccessRules rules, String path, boolean prefix) {
        if (rules.match("GET", path).access() == ApiKeyAuthFilter.Access.PUBLIC
                || (prefix && rules.match("GET", path + ANY_SEGMENT).access() == ApiKeyAuthFilter.Access.PUBLIC)) {
            return true;
        }
        // The gate ignores case; a public rule under the path in any case counts too.
        String lower = path.toLowerCase(Locale.ROOT);
        for (ApiKeyAuthFilter.Rule rule : rules.rules()) {
            String ruled = rule.path().toLowerCase(Locale.ROOT);
            if (rule.access() == ApiKeyAuthFilter.Access.PUBLIC
                    && (ruled.equals(lower) || (prefix && ruled.startsWith(lower + "/")))) {
                return true;
            }
        }
        return false;
    }
}
