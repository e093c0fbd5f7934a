package dev.palisade.workflow.analysis;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the event date in lower-case text. Formats: ISO {@code 2027-03-14}; day first {@code 14.03.2027},
 * {@code 14/03/2027}, {@code 14-03-2027} (a European venue: never month first) and the same with a two-digit
 * year; {@code 14 March 2027}, {@code 14th of March}, {@code March 14th, 2027}, with month names or their
 * usual abbreviations. Without a year the date is the next occurrence on or after {@code today}. The first
 * valid date in the text wins; an impossible one ({@code 31.02.2027}) is skipped, as is a date outside
 * {@link #isPlausible}. Every date-like span, valid or not, is blanked in {@link Result#masked()} so that
 * its digits are never read as a guest count.
 */
final class DateFinder {

    private static final String MONTH_NAMES = "january|february|march|april|may|june|july|august|september"
            + "|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";
    private static final Map<String, Integer> MONTHS = Map.ofEntries(
            Map.entry("jan", 1), Map.entry("feb", 2), Map.entry("mar", 3), Map.entry("apr", 4),
            Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8),
            Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));

    private static final Pattern ISO = Pattern.compile(
            "(?<![\\d./-])(\\d{4})-(\\d{1,2})-(\\d{1,2})(?![\\d-])");
    private static final Pattern DAY_FIRST = Pattern.compile(
            "(?<![\\d./-])(\\d{1,2})([./-])(\\d{1,2})\\2(\\d{4}|\\d{2})(?![\\d]|[./-]\\d)");
    private static final Pattern DAY_MONTH = Pattern.compile(
            "(?<![\\d.])\\b(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+of)?\\s+(" + MONTH_NAMES + ")\\b\\.?"
                    + "(?:,?\\s+(\\d{4})\\b)?");
    private static final Pattern MONTH_DAY = Pattern.compile(
            "\\b(" + MONTH_NAMES + ")\\.?\\s+(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\b(?![.:/]?\\d)"
                    + "(?:,?\\s+(\\d{4})\\b)?");

    /** What was found: the date or {@code null}, and the text with every date-like span blanked. */
    record Result(LocalDate date, String masked) {
    }

    private record Candidate(int start, int end, LocalDate date) {
    }

    private DateFinder() {
    }

    /** A date the workflow can use: from a year ago (so a slip of the year is still seen) to ten years ahead. */
    static boolean isPlausible(LocalDate date, LocalDate today) {
        return !date.isBefore(today.minusYears(1)) && !date.isAfter(today.plusYears(10));
    }

    static Result find(String lower, LocalDate today) {
        List<Candidate> found = new ArrayList<>();
        Matcher m = ISO.matcher(lower);
        while (m.find()) {
            found.add(new Candidate(m.start(), m.end(), date(num(m.group(1)), num(m.group(2)), num(m.group(3)))));
        }
        m = DAY_FIRST.matcher(lower);
        while (m.find()) {
            int year = num(m.group(4));
            found.add(new Candidate(m.start(), m.end(),
                    date(year < 100 ? 2000 + year : year, num(m.group(3)), num(m.group(1)))));
        }
        m = DAY_MONTH.matcher(lower);
        while (m.find()) {
            found.add(new Candidate(m.start(), m.end(), dayMonth(m.group(1), m.group(2), m.group(3), today)));
        }
        m = MONTH_DAY.matcher(lower);
        while (m.find()) {
            found.add(new Candidate(m.start(), m.end(), dayMonth(m.group(2), m.group(1), m.group(3), today)));
        }
        LocalDate best = null;
        int bestStart = Integer.MAX_VALUE;
        StringBuilder masked = new StringBuilder(lower);
        for (Candidate c : found) {
            for (int i = c.start(); i < c.end(); i++) {
                masked.setCharAt(i, ' ');
            }
            if (c.date() != null && isPlausible(c.date(), today) && c.start() < bestStart) {
                best = c.date();
                bestStart = c.start();
            }
        }
        return new Result(best, masked.toString());
    }

    private static LocalDate dayMonth(String day, String monthName, String year, LocalDate today) {
        int month = MONTHS.get(monthName.substring(0, 3));
        int d = num(day);
        if (year != null) {
            return date(num(year), month, d);
        }
        for (int y = today.getYear(); y <= today.getYear() + 8; y++) {
            LocalDate candidate = date(y, month, d);
            if (candidate != null && !candidate.isBefore(today)) {
                return candidate;
            }
        }
        return null;
    }

    /** @return the date, or {@code null} when the fields do not make one */
    private static LocalDate date(int year, int month, int day) {
        if (month < 1 || month > 12 || day < 1 || !YearMonth.of(year, month).isValidDay(day)) {
            return null;
        }
        return LocalDate.of(year, month, day);
    }

    /** Parses at most four ASCII digits, which the patterns guarantee. */
    private static int num(String digits) {
        int n = 0;
        for (int i = 0; i < digits.length(); i++) {
            n = n * 10 + (digits.charAt(i) - '0');
        }
        return n;
    }
}
