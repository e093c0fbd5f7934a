package dev.palisade.workflow.analysis;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides the intent of a lower-case, sanitised message from cue phrases. Precedence, first match wins:
 * CANCEL, DECLINE, NEGOTIATE, DECLINE (a negated acceptance), ACCEPT, CONFIRM, ENQUIRY (a date, a guest count
 * or a wish), QUESTION (a sentence ends with {@code ?}), ENQUIRY (booking words such as "book", "reserve",
 * "wedding"), OTHER. NEGOTIATE comes before ACCEPT and CONFIRM because "we'd go ahead if you can do a lower
 * price" is a counter-offer, not an acceptance; for the same reason "we won't go ahead without a discount"
 * negotiates rather than declines.
 *
 * <p>Two guards keep the obvious cases right. A cue after a negation in its clause does not count
 * ("we do not want to cancel"); a negated acceptance ("we cannot accept the offer", "we won't go ahead")
 * is a decline. A decision cue (cancel, decline, accept, confirm) inside a question does not count ("can
 * we cancel if it rains?" asks, it does not cancel) unless the question is a polite request ("could you
 * please cancel our booking?"); a confirmation in a question never counts ("can you confirm the date?"
 * asks the venue to confirm). Negotiation cues count in questions: "can you do a lower price?" is one.
 */
final class IntentRules {

    private static final Pattern SENTENCE_END = Pattern.compile("[.!?]+(?=\\s|$)|\\n");
    private static final Pattern QUESTION_MARK = Pattern.compile("\\?(?=\\s|$|[\"')])");
    private static final Pattern POLITE = Pattern.compile("\\bplease\\b|^\\s*(?:can|could|would|will) you\\b");

    private static final List<Pattern> CANCEL = patterns(
            "\\bcancel(?:s|led|ed|ling|ing)?\\b",
            "\\bcancellation\\b(?!\\s+(?:policy|policies|fees?|terms|conditions|charges?|insurance|period"
                    + "|deadlines?|rules|costs?))",
            "\\bcall(?:ed|ing|s)?\\s+(?:(?:it|this|that|everything|the\\s+\\w+|our\\s+\\w+)\\s+)?off\\b");
    private static final List<Pattern> DECLINE = patterns(
            "\\bdecline[sd]?\\b", "\\bdeclining\\b",
            "\\bno,?\\s+thank(?:s| you)\\b", "\\bnot\\s+interested\\b",
            "\\bwe(?:'ll|\\s+will)\\s+(?:have\\s+to\\s+)?pass\\b(?!\\s+(?:by|through|along|on\\s+to))",
            "\\b(?:we're|we\\s+are|we'll|we\\s+will)\\s+(?:going\\s+to\\s+)?pass\\s+on\\b",
            "\\breject(?:s|ed)?\\s+(?:the|your|this)\\s+(?:offer|proposal|quote)\\b",
            "\\b(?:found|chosen|booked|picked|gone\\s+with|went\\s+with)\\s+(?:another|a\\s+different)\\s+venue\\b",
            "\\bturn(?:ing)?\\s+down\\s+(?:the|your|this)\\s+offer\\b");
    private static final List<Pattern> ACCEPT = patterns(
            "\\baccept(?:s|ed|ing)?\\b",
            "\\bgo(?:ing)?\\s+ahead\\b",
            "\\bbook\\s+it\\b",
            "\\b(?:it's|it\\s+is|we\\s+have|you\\s+have|you've\\s+got)\\s+a\\s+deal\\b",
            "(?:^|[.!]\\s+)deal\\s*(?:[.!]|$)",
            "\\bproceed\\s+with\\s+(?:the|your|this)\\s+(?:offer|booking|proposal|quote)\\b",
            "\\blet's\\s+(?:proceed|do\\s+it)\\b",
            "\\bwe'll\\s+take\\s+it\\b");
    private static final List<Pattern> CONFIRM = patterns(
            "(?<!please\\s)(?<!you\\s)\\bconfirm(?:s|ed|ing)?\\b",
            "\\b(?:that|the|this)\\s+(?:date|day|time)\\s+(?:works|suits|is\\s+(?:fine|good|ok|okay|perfect|great"
                    + "|correct|right))\\b",
            "\\bthat\\s+(?:works|suits\\s+us)\\b",
            "\\b(?:that's|that\\s+is|this\\s+is|it's|it\\s+is|all|everything\\s+is|everything's)\\s+(?:correct|right)\\b",
            "^\\s*(?:correct|yes|yep|yeah|sure)\\b",
            "\\bsounds\\s+good\\b");
    private static final List<Pattern> NEGOTIATE = patterns(
            "\\bdiscount(?:s|ed)?\\b",
            "\\b(?:lower|better|reduced|special|cheaper)\\s+(?:price|rate|offer|deal)\\b",
            "\\bcheaper\\b",
            "\\btoo\\s+(?:expensive|pricey|costly|high|much)\\b",
            "\\bcan\\s+you\\s+do\\s+(?:better|any\\s+better|it\\s+for|a\\s+(?:better|lower)|less|something|\\d)",
            "\\b(?:over|above|exceeds?|outside|beyond|out\\s+of)\\s+(?:our|my|the)\\s+budget\\b",
            "\\b(?:tight|limited|small)\\s+budget\\b", "\\bbudget\\s+is\\s+(?:only|tight|limited)\\b",
            "\\bnegotiat\\w*", "\\breduce\\s+(?:the\\s+)?(?:price|cost|rate)\\b", "\\b\\d+\\s*%\\s+off\\b");
    private static final List<Pattern> BOOKING_WORDS = patterns(
            "\\b(?:book|booking|reserve|reservation|enquiry|inquiry|enquire|inquire|availability|hire|rent"
                    + "|conference|wedding|seminar|workshop|offsite|off-site|gala)\\b",
            "\\b(?:we're|we\\s+are|i'm|i\\s+am)\\s+planning\\b",
            "\\blooking\\s+for\\s+(?:a|an)\\s+(?:room|venue|space|location)\\b");

    private IntentRules() {
    }

    static Intent classify(String lower, boolean hasDetails) {
        if (firm(lower, CANCEL)) {
            return Intent.CANCEL;
        }
        if (firm(lower, DECLINE)) {
            return Intent.DECLINE;
        }
        if (matches(lower, NEGOTIATE, (m, sentence) -> !Negation.deniesDemand(lower, m.start()))) {
            return Intent.NEGOTIATE;
        }
        if (negatedInStatement(lower, ACCEPT)) {
            return Intent.DECLINE;
        }
        if (firm(lower, ACCEPT)) {
            return Intent.ACCEPT;
        }
        if (inStatement(lower, CONFIRM)) {
            return Intent.CONFIRM;
        }
        if (hasDetails) {
            return Intent.ENQUIRY;
        }
        if (hasQuestion(lower)) {
            return Intent.QUESTION;
        }
        if (anywhere(lower, BOOKING_WORDS)) {
            return Intent.ENQUIRY;
        }
        return Intent.OTHER;
    }

    /** A cue not negated or hedged, in a statement or a polite request. */
    private static boolean firm(String text, List<Pattern> cues) {
        return matches(text, cues, (m, sentence) -> !Negation.orHedgePrecedes(text, m.start())
                && (!sentence.question() || POLITE.matcher(sentence.text()).find()));
    }

    /** A cue not negated or hedged, in a statement. */
    private static boolean inStatement(String text, List<Pattern> cues) {
        return matches(text, cues, (m, sentence) -> !sentence.question() && !Negation.orHedgePrecedes(text, m.start()));
    }

    /** A cue negated (not merely hedged) in a statement: "we cannot accept", "we won't go ahead". */
    private static boolean negatedInStatement(String text, List<Pattern> cues) {
        return matches(text, cues, (m, sentence) -> !sentence.question() && Negation.precedes(text, m.start()));
    }

    private static boolean anywhere(String text, List<Pattern> cues) {
        return matches(text, cues, (m, sentence) -> !Negation.precedes(text, m.start()));
    }

    /** Any sentence that ends with a question mark; a '?' inside a link does not count. */
    private static boolean hasQuestion(String text) {
        return QUESTION_MARK.matcher(text).find();
    }

    private record Sentence(String text, boolean question) {
    }

    private interface Check {
        boolean accepts(Matcher match, Sentence sentence);
    }

    private static boolean matches(String text, List<Pattern> cues, Check check) {
        for (Pattern cue : cues) {
            Matcher m = cue.matcher(text);
            while (m.find()) {
                if (check.accepts(m, sentenceAround(text, m.start(), m.end()))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Sentence sentenceAround(String text, int start, int end) {
        int from = 0;
        Matcher before = SENTENCE_END.matcher(text).region(0, start);
        while (before.find()) {
            from = before.end();
        }
        Matcher after = SENTENCE_END.matcher(text).region(end, text.length());
        int to = text.length();
        boolean question = false;
        if (after.find()) {
            to = after.start();
            question = after.group().indexOf('?') >= 0;
        }
        return new Sentence(text.substring(from, to), question);
    }

    private static List<Pattern> patterns(String... regexes) {
        return java.util.Arrays.stream(regexes).map(Pattern::compile).toList();
    }
}
