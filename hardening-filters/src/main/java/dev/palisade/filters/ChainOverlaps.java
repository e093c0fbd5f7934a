package dev.palisade.filters;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of the chain's members that are each valid but together weaken it, found when
 * {@link Hardening} installs the chain and logged as warnings (each is a choice an application may
 * make on purpose, so none stops start-up):
 * <ul>
 * <li>a path an {@code allowlist} spares, and no other limiter limits, where a key is checked (for
 *     some method): guesses at keys there are never slowed down;</li>
 * <li>a dev-only path that is public to the key check where an unknown path beside it is not: in
 *     prod it answers 404 without a key where that path answers 401, so it shows that it exists;</li>
 * <li>a dev-only path whose rule asks for other roles than an unknown path beside it: in prod a key
 *     without those roles answers 403 there and gets the application's 404 beside it (or the other
 *     way round), so it shows that it exists too.</li>
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
        List<Limiter> limiters = new ArrayList<>();
        for (RateLimitFilter.Config rate : config.rateLimits()) {
            limiters.add(new Limiter(rate));
        }
        for (RateLimitFilter.Config rate : config.rateLimits()) {
            for (String prefix : rate.allowlist()) {
                Set<String> keyed = new LinkedHashSet<>();
                for (String[] sample : samplesUnder(rules, base(prefix.trim()))) {
                    for (String method : METHODS) {
                        if (rules.match(method, sample[0]).access() != ApiKeyAuthFilter.Access.PUBLIC
                                && !limitedByAny(limiters, method, sample[0])) {
                            keyed.add(sample[1]);
                        }
                    }
                }
                if (!keyed.isEmpty()) {
                    found.add("no rate limiter limits " + keyed + " (allowlist " + prefix.trim() + "), where a key "
                            + "is checked: guesses at keys there are never slowed down (make them public, or take "
                            + prefix.trim() + " off the allowlist)");
                }
            }
        }
        EnvironmentGateFilter.Config gate = config.environmentGate();
        if (gate != null && gate.mode() == Environment.Mode.PROD) {
            for (String pattern : gate.devOnlyPaths()) {
                String path = pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 2) : pattern;
                if (publicAt(rules, path, pattern.endsWith("/*"))) {
                    String besideIt = path.substring(0, Math.max(0, path.lastIndexOf('/'))) + ANY_SEGMENT;
                    if (publicToEveryMethodAt(rules, besideIt)) {
                        // An unknown path beside it is public too: both answer 404 without a key.
                        continue;
                    }
                    found.add("the dev-only path " + pattern + " is public to the key check: in prod it answers "
                            + "404 without a key where an unknown path answers 401, and so shows it exists");
                } else {
                    ruledApartFromItsSiblings(rules, pattern, path).ifPresent(found::add);
                }
            }
        }
        return List.copyOf(found);
    }

    /**
     * A warning when the dev-only {@code path} (or, for a prefix, a path below it) is governed by
     * other access than an unknown path beside it: a key answered 403 at one and passed on (to the
     * 404) at the other tells the two apart.
     */
    private static Optional<String> ruledApartFromItsSiblings(AccessRules rules, String pattern, String path) {
        // In lower case throughout: the gate ignores case, and so do the rules' folded views.
        AccessRules folded = rules.folded();
        String base = Chars.foldCase(path);
        String sibling = base.substring(0, Math.max(0, base.lastIndexOf('/'))) + ANY_SEGMENT;
        List<String> views = new ArrayList<>(List.of(base));
        if (pattern.endsWith("/*")) {
            views.add(base + ANY_SEGMENT);
            // A rule of its own below the hidden prefix tells that path apart too.
            for (ApiKeyAuthFilter.Rule rule : folded.rules()) {
                String ruled = base(rule.path());
                if (ruled.startsWith(base + "/")) {
                    views.add(rule.path().endsWith("/*") ? ruled + ANY_SEGMENT : ruled);
                }
            }
        }
        for (String method : METHODS) {
            ApiKeyAuthFilter.Rule beside = folded.match(method, sibling);
            for (String view : views) {
                ApiKeyAuthFilter.Rule here = folded.match(method, view);
                if (here.access() != beside.access() || !here.roles().equals(beside.roles())) {
                    return Optional.of("the dev-only path " + pattern + " needs " + needs(here) + " for "
                            + method + " where an unknown path beside it needs " + needs(beside) + ": in prod a key "
                            + "answered 403 at one and 404 at the other shows it exists (give it no rule of its own)");
                }
            }
        }
        return Optional.empty();
    }

    private static String needs(ApiKeyAuthFilter.Rule rule) {
        return switch (rule.access()) {
            case PUBLIC -> "no key";
            case AUTHENTICATED -> "any valid key";
            case ROLES -> "one of the roles " + new TreeSet<>(rule.roles());
        };
    }

    /** {@code /x}, {@code /x/} and {@code /x/*} alike: the path the prefix stands for ({@code ""} for the root). */
    private static String base(String prefix) {
        String base = prefix.endsWith("/*") ? prefix.substring(0, prefix.length() - 2) : prefix;
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** Paths at or below {@code base} to ask about (the path, any path below it, each rule's), each with how it is shown. */
    private static List<String[]> samplesUnder(AccessRules rules, String base) {
        List<String[]> samples = new ArrayList<>();
        samples.add(new String[] {base.isEmpty() ? "/" : base, base.isEmpty() ? "/" : base});
        samples.add(new String[] {base + ANY_SEGMENT, base + "/*"});
        for (ApiKeyAuthFilter.Rule rule : rules.rules()) {
            String ruled = base(rule.path());
            if (ruled.startsWith(base + "/")) {
                samples.add(new String[] {rule.path().endsWith("/*") ? ruled + ANY_SEGMENT : ruled, rule.describeTarget()});
            }
        }
        return samples;
    }

    /** Whether some limiter's scope takes {@code method path} and its allowlist does not spare it. */
    private static boolean limitedByAny(List<Limiter> limiters, String method, String path) {
        for (Limiter limiter : limiters) {
            if (limiter.limits(method, path)) {
                return true;
            }
        }
        return false;
    }

    /** A limiter's scope and allowlist, read as the filter reads them. */
    private static final class Limiter {
        private final PathRules scope;
        private final PathRules allowlist;

        Limiter(RateLimitFilter.Config config) {
            this.scope = PathRules.scope("paths", config.paths());
            this.allowlist = PathRules.prefixes("allowlist", config.allowlist());
        }

        boolean limits(String method, String path) {
            return (scope.isEmpty() || scope.matches(method, path)) && !allowlist.matches(method, path);
        }
    }

    /**
     * Whether {@code path} (a path no rule names) is public to the key check whatever the method: a
     * rule for some methods leaves the others to answer 401 there.
     */
    private static boolean publicToEveryMethodAt(AccessRules rules, String path) {
        AccessRules folded = rules.folded();
        String lower = Chars.foldCase(path);
        for (String method : METHODS) {
            if (folded.match(method, lower).access() != ApiKeyAuthFilter.Access.PUBLIC) {
                return false;
            }
        }
        return true;
    }

    /** Whether the dev-only {@code path} (and, for a prefix, anything below it) is public to the key check. */
    private static boolean publicAt(AccessRules rules, String path, boolean prefix) {
        // The gate ignores case: a public rule in any case counts, at the path, above it (a public
        // /static/* over a dev-only /STATIC/x) or, for a dev-only prefix, below it.
        String lower = Chars.foldCase(path);
        for (ApiKeyAuthFilter.Rule rule : rules.rules()) {
            String ruled = Chars.foldCase(base(rule.path()));
            boolean above = rule.path().endsWith("/*") && (lower.equals(ruled) || lower.startsWith(ruled + "/"));
            if (rule.access() == ApiKeyAuthFilter.Access.PUBLIC
                    && (ruled.equals(lower) || above || (prefix && ruled.startsWith(lower + "/")))) {
                return true;
            }
        }
        return false;
    }
}
