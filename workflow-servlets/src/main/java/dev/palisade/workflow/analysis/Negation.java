package dev.palisade.workflow.analysis;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one negation rule of the rule-based analyser: a cue is negated (or hedged) when one of a few
 * negating words stands among the four words before it, in the same clause. "We do not want to cancel",
 * "no projector needed", "if we cancel" are caught; double negatives and negation after the cue
 * ("a projector is not needed") are not: this is a heuristic, not a parser.
 */
final class Negation {

    private static final int WINDOW_WORDS = 4;
    private static final Pattern CLAUSE_BREAK = Pattern.compile("[,.;:!?\\n()]|\\bbut\\b");
    private static final Pattern WORD = Pattern.compile("[a-z']+");
    private static final Set<String> NEGATORS = Set.of(
            "not", "no", "never", "without", "nor", "neither", "cannot", "dont", "wont", "cant", "hardly");
    /** A decision after these is a condition or a musing, not a decision; a wish after them is still a wish. */
    private static final Set<String> HEDGES = Set.of("if", "whether", "unless", "maybe", "might", "perhaps");

    private Negation() {
    }

    /**
     * @param text  lower-case text
     * @param start where the cue starts in {@code text}
     * @return whether a negating word stands before the cue in its clause
     */
    static boolean precedes(String text, int start) {
        return check(text, start, false);
    }

    /** Like {@link #precedes} but hedges ("if", "maybe") count too: for decisions such as cancelling. */
    static boolean orHedgePrecedes(String text, int start) {
        return check(text, start, true);
    }

    /**
     * Like {@link #precedes} but "without" does not count: "not without a discount" states a condition,
     * so a negotiation cue after it still negotiates.
     */
    static boolean deniesDemand(String text, int start) {
        return check(text, start, false, "without");
    }

    private static boolean check(String text, int start, boolean hedges) {
        return check(text, start, hedges, null);
    }

    private static boolean check(String text, int start, boolean hedges, String notANegator) {
        int clauseStart = 0;
        Matcher br = CLAUSE_BREAK.matcher(text).region(0, start);
        while (br.find()) {
            clauseStart = br.end();
        }
        String before = text.substring(clauseStart, start);
        Matcher words = WORD.matcher(before);
        String[] ring = new String[WINDOW_WORDS];
        int count = 0;
        while (words.find()) {
            ring[count % WINDOW_WORDS] = words.group();
            count++;
        }
        for (int k = 0; k < Math.min(count, WINDOW_WORDS); k++) {
            String w = ring[k];
            String bare = w.replace("'", "");
            if (bare.equals(notANegator)) {
                continue;
            }
            if (NEGATORS.contains(bare) || w.endsWith("n't") || hedges && HEDGES.contains(bare)) {
                return true;
            }
        }
        return false;
    }
}
