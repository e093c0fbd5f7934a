package dev.palisade.workflow.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fixed vocabulary of room features a client can wish for, in one place: the rule-based analyser finds
 * them in text, the LLM adapter accepts only these names (mapping a synonym to its name, dropping anything
 * else), and the room catalogue should use the same names for its features.
 *
 * <table>
 *   <caption>Wishes and the words that mean them</caption>
 *   <tr><th>wish</th><th>synonyms (whole words, case-insensitive)</th></tr>
 *   <tr><td>{@code projector}</td><td>projector, beamer, screen, video wall, av equipment</td></tr>
 *   <tr><td>{@code terrace}</td><td>terrace, outdoor, outdoors, balcony, patio, rooftop, garden</td></tr>
 *   <tr><td>{@code stage}</td><td>stage, podium</td></tr>
 *   <tr><td>{@code bar}</td><td>bar, drinks bar, cocktail bar</td></tr>
 *   <tr><td>{@code dance-floor}</td><td>dance floor, dance-floor, dancefloor, dancing</td></tr>
 *   <tr><td>{@code accessible}</td><td>accessible, accessibility, wheelchair, step-free, step free,
 *       barrier-free</td></tr>
 *   <tr><td>{@code daylight}</td><td>daylight, natural light, windows</td></tr>
 *   <tr><td>{@code catering}</td><td>catering, caterer, buffet, lunch, dinner, food, meals, coffee break</td></tr>
 * </table>
 *
 * <p>A wish preceded by a negation in the same clause ("no projector", "we don't need a stage") is not a wish.
 */
public final class WishVocabulary {

    private static final Map<String, List<String>> SYNONYMS = synonyms();
    private static final Map<String, String> CANONICAL = canonical();
    private static final Map<String, Pattern> PATTERNS = patterns();

    private WishVocabulary() {
    }

    /** @return the wish names, in the order wishes are reported */
    public static Set<String> names() {
        return SYNONYMS.keySet();
    }

    /**
     * @param word a wish name or synonym, any case
     * @return the wish name it stands for, or empty when it is not in the vocabulary
     */
    public static Optional<String> canonical(String word) {
        if (word == null) {
            return Optional.empty();
        }
        String key = word.strip().toLowerCase(Locale.ROOT).replace('_', ' ');
        return Optional.ofNullable(CANONICAL.get(key));
    }

    /**
     * @param lowerText lower-case, sanitised text
     * @return the wishes mentioned and not negated, in vocabulary order, each once
     */
    static List<String> find(String lowerText) {
        Set<String> found = new LinkedHashSet<>();
        for (Map.Entry<String, Pattern> e : PATTERNS.entrySet()) {
            Matcher m = e.getValue().matcher(lowerText);
            while (m.find()) {
                if (!Negation.precedes(lowerText, m.start())) {
                    found.add(e.getKey());
                    break;
                }
            }
        }
        return new ArrayList<>(found);
    }

    private static Map<String, List<String>> synonyms() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("projector", List.of("projector", "beamer", "screen", "video wall", "av equipment"));
        m.put("terrace", List.of("terrace", "outdoor", "outdoors", "balcony", "patio", "rooftop", "garden"));
        m.put("stage", List.of("stage", "podium"));
        m.put("bar", List.of("bar", "drinks bar", "cocktail bar"));
        m.put("dance-floor", List.of("dance floor", "dance-floor", "dancefloor", "dancing"));
        m.put("accessible", List.of("accessible", "accessibility", "wheelchair", "step-free", "step free",
                "barrier-free"));
        m.put("daylight", List.of("daylight", "natural light", "windows"));
        m.put("catering", List.of("catering", "caterer", "buffet", "lunch", "dinner", "food", "meals",
                "coffee break"));
        return m;
    }

    private static Map<String, String> canonical() {
        Map<String, String> m = new LinkedHashMap<>();
        SYNONYMS.forEach((name, words) -> {
            m.put(name, name);
            m.put(name.replace('-', ' '), name);
            words.forEach(w -> m.put(w, name));
        });
        return Map.copyOf(m);
    }

    private static Map<String, Pattern> patterns() {
        Map<String, Pattern> m = new LinkedHashMap<>();
        SYNONYMS.forEach((name, words) -> {
            StringBuilder alt = new StringBuilder();
            for (String w : words) {
                if (alt.length() > 0) {
                    alt.append('|');
                }
                alt.append(Pattern.quote(w).replace(" ", "\\E\\s+\\Q"));
            }
            // whole words only: "bar" must not match "barbecue", "screen" not "screening"
            m.put(name, Pattern.compile("(?<![a-z-])(?:" + alt + ")(?![a-z-])"));
        });
        return m;
    }
}
