package dev.palisade.filters;

import java.util.Enumeration;

/**
 * Reads the {@code Content-Length} of a request strictly (RFC 9110 §8.6, RFC 9112 §6.3): digits
 * only; repeated fields or list members must all carry the same value; anything else is invalid
 * and the framing of the message cannot be trusted.
 *
 * <p>Containers usually reject a malformed length before any filter runs; this check is the
 * portable backstop for containers (and proxies in front of them) that do not.
 */
final class ContentLengthHeader {
    /** No {@code Content-Length} field. */
    static final long ABSENT = -1;
    /** Not a number, negative, empty, or conflicting values. */
    static final long INVALID = -2;

    private ContentLengthHeader() {
    }

    /**
     * @param values every {@code Content-Length} field value of the request (may be {@code null})
     * @return the length; {@link Long#MAX_VALUE} for a well-formed number too large for a long;
     *     {@link #ABSENT} or {@link #INVALID}
     */
    static long parse(Enumeration<String> values) {
        if (values == null || !values.hasMoreElements()) {
            return ABSENT;
        }
        long length = ABSENT;
        while (values.hasMoreElements()) {
            String field = values.nextElement();
            if (field == null) {
                return INVALID;
            }
            int start = 0;
            while (true) {
                int comma = field.indexOf(',', start);
                long value = parseMember(field, start, comma < 0 ? field.length() : comma);
                if (value == INVALID || (length != ABSENT && value != length)) {
                    return INVALID;
                }
                length = value;
                if (comma < 0) {
                    break;
                }
                start = comma + 1;
            }
        }
        return length;
    }

    private static long parseMember(String field, int from, int to) {
        int start = from;
        int end = to;
        while (start < end && isWhitespace(field.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(field.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return INVALID;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '9') {
                return INVALID;
            }
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
                // A well-formed but absurd length: certainly over any limit.
                value = Long.MAX_VALUE;
                for (int j = i + 1; j < end; j++) {
                    if (field.charAt(j) < '0' || field.charAt(j) > '9') {
                        return INVALID;
                    }
                }
                return value;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }
}
