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
                List<String> keyed = keyedUnder(rules, prefix);
                if (!keyed.isEmpty()) {
                    found.add("the rate limiter never limits " + prefix + ", but a key is checked at " + keyed
                            + ": guesses at keys there are never slowed down (make them public, or take "
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

    /** The paths at or below {@code prefix} whose rule is not public. */
    private static List<String> keyedUnder(AccessRules rules, String prefix) {
        List<String> keyed = new ArrayList<>();
        String base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (rules.match("GET", base.isEmpty() ? "/" : base).access() != ApiKeyAuthFilter.Access.PUBLIC) {
            keyed.add(base.isEmpty() ? "/" : base);
        }
        if (rules.match("GET", base + ANY_SEGMENT).access() != ApiKeyAuthFilter.Access.PUBLIC) {
            keyed.add(base + "/*");
        }
        for (ApiKeyAuthFilter.Rule rule : rules.rules()) {
            String ruled = rule.path().endsWith("/*") ? rule.path().substring(0, rule.path().length() - 2) : rule.path();
            if (rule.access() != ApiKeyAuthFilter.Access.PUBLIC && ruled.startsWith(base + "/")
                    && !keyed.contains(rule.path())) {
                keyed.add(rule.path());
            }
        }
        return keyed;
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
