package dev.palisade.workflow.analysis;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>Relative dates, only after {@code for} or {@code on} and only when the text holds no valid absolute
 * date (clients write "I'll call you on Monday" as often as "a room for Monday"): {@code for tomorrow},
 * {@code on the day after tomorrow}, {@code for next Friday}, {@code on this Friday}, {@code for the coming
 * Friday}, {@code on Friday}: each weekday the first one after today, never today itself ("next" read as
 * most booking clients mean it, the coming one; step 2 asks the client to confirm the date anyway).
 * "In two weeks" and the like are not read: too often about the reply, not the event.
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

    private static final Pattern RELATIVE_DAY = Pattern.compile(
            "\\b(?:for|on)\\s+(?:(the day after tomorrow)|tomorrow)\\b");
    private static final Pattern WEEKDAY = Pattern.compile(
            "\\b(?:for|on)\\s+(?:(?:the\\s+)?(?:next|this|coming|this coming)\\s+)?"
                    + "(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\\b");

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
        LocalDate best = earliestPlausible(found, today);
        if (best == null) {
            addRelative(lower, today, found);
            best = earliestPlausible(found, today);
        }
        StringBuilder masked = new StringBuilder(lower);
        for (Candidate c : found) {
            for (int i = c.start(); i < c.end(); i++) {
                masked.setCharAt(i, ' ');
            }
        }
        return new Result(best, masked.toString());
    }

    /** The plausible date that starts first in the text, or {@code null}. */
    private static LocalDate earliestPlausible(List<Candidate> found, LocalDate today) {
        LocalDate best = null;
        int bestStart = Integer.MAX_VALUE;
        for (Candidate c : found) {
            if (c.date() != null && isPlausible(c.date(), today) && c.start() < bestStart) {
                best = c.date();
                bestStart = c.start();
            }
        }
        return best;
    }

    private static void addRelative(String lower, LocalDate today, List<Candidate> found) {
        Matcher m = RELATIVE_DAY.matcher(lower);
        while (m.find()) {
            found.add(new Candidate(m.start(), m.end(), today.plusDays(m.group(1) != null ? 2 : 1)));
        }
        m = WEEKDAY.matcher(lower);
        while (m.find()) {
            DayOfWeek day = DayOfWeek.valueOf(m.group(1).toUpperCase(Locale.ROOT));
            found.add(new Candidate(m.start(), m.end(), today.with(TemporalAdjusters.next(day))));
        }
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
