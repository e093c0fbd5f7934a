package dev.palisade.workflow.web;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Validation of request-body fields, each failure a 400 whose detail names the field (the names are
 * the code's own, never taken from the request).
 */
final class Fields {
    /** Longest client message accepted; longer is 400 (the analyser caps further). */
    static final int MAX_MESSAGE = 10_000;
    static final int MAX_NAME = 100;
    static final int MAX_EMAIL = 254;
    static final int MAX_ID = 64;
    /** A plain address: RFC 5322 atext (and dots) before the @, DNS labels after; no quoting, no controls. */
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
            + "@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_ID + "}");

    private Fields() {
    }

    /** A required text of at most {@code max} characters, not blank, without control characters except line breaks and tabs. */
    static String text(String field, String value, int max) {
        if (value == null) {
            throw required(field);
        }
        if (value.isBlank()) {
            throw ApiProblem.badRequest("Field '" + field + "' must not be empty.");
        }
        if (value.length() > max) {
            throw ApiProblem.badRequest("Field '" + field + "' is too long.");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                throw ApiProblem.badRequest("Field '" + field + "' contains control characters.");
            }
        }
        return value;
    }

    /** Like {@link #text} but {@code null} is allowed (and returned). */
    static String optionalText(String field, String value, int max) {
        return value == null ? null : text(field, value, max);
    }

    /** A single-line name: no line breaks either. */
    static String optionalName(String field, String value) {
        return value == null ? null : line(field, value, MAX_NAME);
    }

    /** A required single line of text, stripped. */
    static String line(String field, String value, int max) {
        text(field, value, max);
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\t') >= 0) {
            throw ApiProblem.badRequest("Field '" + field + "' contains control characters.");
        }
        return value.strip();
    }

    static String email(String field, String value) {
        if (value == null) {
            throw required(field);
        }
        String trimmed = value.strip();
        if (trimmed.length() > MAX_EMAIL || !EMAIL.matcher(trimmed).matches()) {
            throw ApiProblem.badRequest("Field '" + field + "' is not a valid email address.");
        }
        return trimmed;
    }

    static String id(String field, String value) {
        if (value == null) {
            throw required(field);
        }
        if (!ID.matcher(value).matches()) {
            // An id that cannot exist is as unknown as one that does not.
            throw new ApiProblem(404, "No resource exists with this id.");
        }
        return value;
    }

    static LocalDate optionalDate(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("Field '" + field + "' must be a date (YYYY-MM-DD).");
        }
    }

    static ApiProblem required(String field) {
        return ApiProblem.badRequest("Field '" + field + "' is required.");
    }
}
