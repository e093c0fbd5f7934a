package dev.palisade.workflow.analysis;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the guest count in lower-case text whose dates are already blanked ({@link DateFinder.Result#masked()}).
 * A number counts only next to a word that says it is people: {@code 40 guests}, {@code for 40 people},
 * {@code party of 40}, {@code group of 40}, {@code guests: 40}, {@code 40-50 attendees} (the upper bound: the
 * room must hold it), {@code 1,200 delegates}, {@code forty guests}. A bare number, a year or a price is
 * never a guest count. The first count in range (1..10,000) wins. Parts of one party are added up:
 * {@code 40 adults and 10 children} is 50 ({@code adults}, {@code children}, {@code kids}, {@code teenagers},
 * {@code seniors}, {@code infants}, joined by {@code and}, {@code plus}, {@code +}, {@code &} or a comma).
 */
final class GuestFinder {

    static final int MAX_GUESTS = 10_000;

    private static final String PEOPLE = "guests?|people|persons?|pax|attendees?|participants?|delegates?"
            + "|visitors?|adults|employees|colleagues|staff|ppl|heads|covers|seats|children|kids";
    private static final String NUMBER = "\\d{1,3}(?:,\\d{3})+|\\d{1,6}";
    private static final String WORDS = "(?:a\\s+dozen|two\\s+dozen|(?:one|two|three|four|five|six|seven|eight|nine)\\s+hundred"
            + "|a\\s+hundred|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three"
            + "|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
            + "|seventeen|eighteen|nineteen|one|two|three|four|five|six|seven|eight|nine)";
    private static final Pattern COUNT = Pattern.compile(
            "(?<![\\d,.€$£])(?:(" + NUMBER + ")\\s*(?:-|–|to|or)\\s*)?(" + NUMBER + ")\\+?\\s*(?:" + PEOPLE + ")\\b"
                    + "|\\b(?:party|group|team|crowd|company) of (?:about |around |approximately |roughly |up to |some )?"
                    + "(" + NUMBER + ")(?!\\d|[,.]\\d)"
                    + "|\\b(?:guests?|people|attendees|participants|headcount|head count|pax|guest count"
                    + "|number of (?:guests|people|attendees|participants))\\s*[:=]\\s*(" + NUMBER + ")(?!\\d|[,.]\\d)");
    private static final String PART = "adults?|grown-?ups|children|child|kids?|teens|teenagers?|seniors?|infants?"
            + "|babies|baby";
    private static final Pattern PARTS = Pattern.compile(
            "(?<![\\d,.€$£])(" + NUMBER + ")\\s*(?:" + PART + ")\\s*(?:,|and|plus|\\+|&)\\s*(?:and\\s+)?(" + NUMBER
                    + ")\\s*(?:" + PART + ")\\b");
    private static final Pattern WORD_COUNT = Pattern.compile(
            "\\b" + WORDS + "\\s+(?:" + PEOPLE + ")\\b|\\b(?:party|group|team) of " + WORDS + "\\b");
    private static final Pattern WORD_NUMBER = Pattern.compile("\\b" + WORDS + "\\b");
    private static final Map<String, Integer> VALUES = Map.ofEntries(
            Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3), Map.entry("four", 4),
            Map.entry("five", 5), Map.entry("six", 6), Map.entry("seven", 7), Map.entry("eight", 8),
            Map.entry("nine", 9), Map.entry("ten", 10), Map.entry("eleven", 11), Map.entry("twelve", 12),
            Map.entry("thirteen", 13), Map.entry("fourteen", 14), Map.entry("fifteen", 15),
            Map.entry("sixteen", 16), Map.entry("seventeen", 17), Map.entry("eighteen", 18),
            Map.entry("nineteen", 19), Map.entry("twenty", 20), Map.entry("thirty", 30), Map.entry("forty", 40),
            Map.entry("fifty", 50), Map.entry("sixty", 60), Map.entry("seventy", 70), Map.entry("eighty", 80),
            Map.entry("ninety", 90), Map.entry("hundred", 100), Map.entry("dozen", 12), Map.entry("a", 1));

    private GuestFinder() {
    }

    /** @return the guest count, or {@code null} when none in range is mentioned */
    static Integer find(String maskedLower) {
        Matcher m = COUNT.matcher(maskedLower);
        int digitsAt = Integer.MAX_VALUE;
        Integer fromDigits = null;
        while (m.find()) {
            Integer n = firstNonNull(m.group(2), m.group(3), m.group(4));
            Integer low = m.group(1) == null ? null : parse(m.group(1));
            if (n != null && low != null && low > n) {
                n = low;
            }
            if (n != null && n >= 1 && n <= MAX_GUESTS) {
                fromDigits = n;
                digitsAt = m.start();
                break;
            }
        }
        Matcher parts = PARTS.matcher(maskedLower);
        if (parts.find() && parts.start() <= digitsAt) {
            Integer sum = sum(parts);
            if (sum != null) {
                fromDigits = sum;
                digitsAt = parts.start();
            }
        }
        Matcher w = WORD_COUNT.matcher(maskedLower);
        if (w.find() && w.start() < digitsAt) {
            Matcher number = WORD_NUMBER.matcher(maskedLower).region(w.start(), w.end());
            if (number.find()) {
                return words(number.group());
            }
        }
        return fromDigits;
    }

    /** The parts added up; null past the range. */
    private static Integer sum(Matcher parts) {
        Integer first = parse(parts.group(1));
        Integer second = parse(parts.group(2));
        if (first == null || second == null) {
            return null;
        }
        int sum = first + second;
        return sum >= 1 && sum <= MAX_GUESTS ? sum : null;
    }

    private static Integer firstNonNull(String... groups) {
        for (String g : groups) {
            if (g != null) {
                return parse(g);
            }
        }
        return null;
    }

    /** @return the value, or {@code null} past the range (a six-digit number is no guest count) */
    private static Integer parse(String digits) {
        String plain = digits.replace(",", "");
        if (plain.length() > 6) {
            return null;
        }
        return Integer.parseInt(plain);
    }

    /** Adds and multiplies small number words: "forty-five" = 45, "two hundred" = 200, "two dozen" = 24. */
    private static Integer words(String phrase) {
        int total = 0;
        for (String part : phrase.split("[\\s-]+")) {
            Integer v = VALUES.get(part);
            if (v == null) {
                return null;
            }
            if (v == 100 || v == 12 && "dozen".equals(part)) {
                total = (total == 0 ? 1 : total) * v;
            } else {
                total += v;
            }
        }
        return total >= 1 && total <= MAX_GUESTS ? total : null;
    }
}
