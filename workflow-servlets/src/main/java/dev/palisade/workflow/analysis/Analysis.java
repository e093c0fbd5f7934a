package dev.palisade.workflow.analysis;

import java.time.LocalDate;
import java.util.List;

/**
 * What was extracted from one client message. Every field is optional except {@code intent}.
 *
 * @param date   the event date mentioned, or {@code null}
 * @param guests the number of guests mentioned, or {@code null}; when present, 1..10,000
 * @param wishes requested room features, lower case (e.g. {@code projector}, {@code terrace})
 * @param source which analyser produced it ({@code rules} or {@code llm}), for logs and debug traces
 */
public record Analysis(Intent intent, LocalDate date, Integer guests, List<String> wishes, String source) {
    public Analysis {
        if (intent == null) {
            throw new IllegalArgumentException("intent is required");
        }
        if (guests != null && (guests < 1 || guests > 10_000)) {
            throw new IllegalArgumentException("guests out of range");
        }
        wishes = List.copyOf(wishes);
    }
}
