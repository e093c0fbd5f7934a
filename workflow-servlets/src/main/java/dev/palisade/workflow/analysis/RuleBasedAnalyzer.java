package dev.palisade.workflow.analysis;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default analyser: offline, deterministic rules for English booking emails. It finds the date
 * ({@link DateFinder}), the guest count ({@link GuestFinder}), wishes ({@link WishVocabulary}) and the
 * intent ({@link IntentRules}). The message is sanitised first with {@link MessageSanitizer}, exactly as the
 * LLM adapter does. It never throws for any message: a bug in a rule is logged and answered with
 * {@link Intent#OTHER}, so the workflow can still ask a human.
 */
public final class RuleBasedAnalyzer implements MessageAnalyzer {

    /** {@link Analysis#source()} of every analysis made here. */
    public static final String SOURCE = "rules";

    private static final Logger LOG = LoggerFactory.getLogger(RuleBasedAnalyzer.class);

    private final int maxInputLength;

    /** Caps messages at {@link MessageSanitizer#DEFAULT_MAX_LENGTH}. */
    public RuleBasedAnalyzer() {
        this(MessageSanitizer.DEFAULT_MAX_LENGTH);
    }

    /** @param maxInputLength characters of a message that are analysed, at least 1 */
    public RuleBasedAnalyzer(int maxInputLength) {
        if (maxInputLength < 1) {
            throw new IllegalArgumentException("maxInputLength must be at least 1");
        }
        this.maxInputLength = maxInputLength;
    }

    @Override
    public Analysis analyze(String message, LocalDate today) {
        Objects.requireNonNull(today, "today");
        String sanitized = MessageSanitizer.sanitize(message, maxInputLength);
        try {
            String lower = normalize(sanitized);
            DateFinder.Result dates = DateFinder.find(lower, today);
            Integer guests = GuestFinder.find(dates.masked());
            List<String> wishes = WishVocabulary.find(lower);
            boolean hasDetails = dates.date() != null || guests != null || !wishes.isEmpty();
            Intent intent = IntentRules.classify(lower, hasDetails);
            return new Analysis(intent, dates.date(), guests, wishes, SOURCE);
        } catch (RuntimeException e) {
            // never the text: only its size, with the stack trace to find the rule
            LOG.warn("Rule-based analysis failed on a message of {} characters; answering OTHER",
                    sanitized.length(), e);
            return new Analysis(Intent.OTHER, null, null, List.of(), SOURCE);
        }
    }

    /** Lower case, typographic quotes and dashes made plain, so one pattern serves both spellings. */
    private static String normalize(String text) {
        return text.toLowerCase(Locale.ROOT)
                .replace('\u2019', '\'').replace('\u2018', '\'').replace('\u00B4', '\'')
                .replace('\u201C', '"').replace('\u201D', '"')
                .replace('\u2013', '-').replace('\u2014', '-').replace('\u00A0', ' ');
    }
}
