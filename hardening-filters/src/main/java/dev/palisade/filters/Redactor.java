package dev.palisade.filters;

import java.util.Locale;
import java.util.Set;

/**
 * Masks personal data and secrets in text about to be logged, and escapes control characters so
 * no value can forge a log line. One hand-written, linear scan per line (no backtracking regex):
 * rules are tried only where a word starts, and each looks ahead at most over that word and the
 * value after it.
 *
 * <table>
 * <caption>Rules</caption>
 * <tr><th>what</th><th>example</th><th>logged as</th></tr>
 * <tr><td>email</td><td>{@code john.doe@example.com}, {@code john%40example.com}</td><td>{@code j***@example.com}</td></tr>
 * <tr><td>sensitive {@code key=value}, {@code "key":"value"}</td><td>{@code password=hunter2}</td><td>{@code password=***}</td></tr>
 * <tr><td>credential headers</td><td>{@code Authorization: Token x}, {@code Cookie: a=b}</td><td>{@code Authorization: ***}</td></tr>
 * <tr><td>bearer / basic credentials</td><td>{@code Bearer abc.def}</td><td>{@code Bearer ***}</td></tr>
 * <tr><td>JWT</td><td>{@code eyJhbGciOi….eyJzdWIi….sig}</td><td>{@code ***}</td></tr>
 * <tr><td>prefixed API keys ({@code sk_ sk- pk_ rk_ api_ key_ ghp_ …}, ≥ 16 random-looking chars)</td><td>{@code sk_live_4eC39HqLyjWDarjtT1zdp7dc}</td><td>{@code sk_***}</td></tr>
 * <tr><td>card numbers: 13–19 digits, optionally in groups, Luhn-valid</td><td>{@code 4111 1111 1111 1111}</td><td>{@code ****-****-****-1111}</td></tr>
 * <tr><td>control characters</td><td>CR, LF, TAB, C1, U+2028/9</td><td>{@code \r}, {@code \n}, {@code \t}, {@code \u0085}</td></tr>
 * </table>
 *
 * <p>What is deliberately kept: request ids and other bare hex or UUID tokens (they correlate logs;
 * a secret is recognised by its label, prefix or shape instead), digit runs that fail the Luhn check
 * or are shorter than 13 digits (order and phone numbers), and ordinary words.
 */
public final class Redactor {
    /** What a masked value is replaced by. */
    public static final String MASK = "***";

    private static final int MAX_KEY_LENGTH = 64;
    private static final int MIN_PREFIXED_SECRET = 16;

    private static final Set<String> SENSITIVE_KEYS = Set.of(
            "token", "key", "apikey", "api_key", "api-key", "password", "passwd", "pwd", "pass", "passphrase",
            "secret", "email", "e-mail", "mail", "auth", "authorization", "access_token", "refresh_token",
            "id_token", "session", "sessionid", "session_id", "jsessionid", "sid", "code", "otp", "pin", "ssn",
            "cvv", "cvc", "card", "cardnumber", "card_number", "pan", "credential", "credentials", "signature",
            "sig", "client_secret", "private_key", "cookie", "set-cookie", "jwt", "bearer");
    private static final String[] SENSITIVE_SUFFIXES = {
        "token", "secret", "password", "passwd", "apikey", "api_key", "api-key", "_key", "-key", ".key",
        "_session", "sessionid", "credentials", "cookie",
    };
    /** Names whose {@code name: value} form (HTTP header style) is masked to the end of the line. */
    private static final Set<String> CREDENTIAL_HEADERS = Set.of(
            "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token");
    private static final String[] SECRET_PREFIXES = {
        "sk_", "sk-", "pk_", "rk_", "api_", "key_", "ghp_", "gho_", "ghu_", "ghs_", "github_pat_", "glpat-",
        "xoxb-", "xoxp-", "whsec_",
    };

    private Redactor() {
    }

    /** {@code text} with every rule applied and control characters escaped; {@code "null"} for null. */
    public static String redact(CharSequence text) {
        if (text == null) {
            return "null";
        }
        return new Scan(text).run();
    }

    /**
     * A raw query string ({@code a=1&token=x}) with the values of sensitive keys masked (keys are
     * percent-decoded before the check, so {@code api%5Fkey} counts) and every other value redacted
     * as by {@link #redact}. {@code null} stays {@code null}.
     */
    public static String redactQuery(String query) {
        if (query == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(query.length() + 8);
        int start = 0;
        while (start <= query.length()) {
            int amp = query.indexOf('&', start);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', start);
            if (eq >= 0 && eq < end && eq + 1 < end && isSensitiveKey(queryKey(query.substring(start, eq)))) {
                out.append(LogSafe.escape(query.substring(start, eq))).append('=').append(MASK);
            } else {
                out.append(redact(query.substring(start, end)));
            }
            if (amp < 0) {
                break;
            }
            out.append('&');
            start = amp + 1;
        }
        return out.toString();
    }

    /** Whether a parameter or field of this name holds a value that must not be logged. */
    public static boolean isSensitiveKey(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_KEY_LENGTH) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (SENSITIVE_KEYS.contains(lower)) {
            return true;
        }
        for (String suffix : SENSITIVE_SUFFIXES) {
            if (lower.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    /** Percent-decodes (ASCII) a query key and keeps the innermost {@code [name]} of {@code user[password]}. */
    private static String queryKey(String raw) {
        StringBuilder key = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0 && hi < 8) {
                    key.append((char) (hi * 16 + lo));
                    i += 2;
                    continue;
                }
            }
            key.append(c == '+' ? ' ' : c);
        }
        String decoded = key.toString().trim();
        int open = decoded.lastIndexOf('[');
        if (open >= 0 && decoded.endsWith("]") && open + 1 < decoded.length() - 1) {
            return decoded.substring(open + 1, decoded.length() - 1);
        }
        return decoded;
    }

    // Characters a "word" is made of: what emails' local parts, keys, tokens and numbers share.
    static boolean isWord(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-' || c == '%' || c == '+';
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isBase64Url(char c) {
        return isAlnum(c) || c == '_' || c == '-';
    }

    /** One redaction pass over one text. */
    private static final class Scan {
        private final CharSequence s;
        private final int n;
        private final StringBuilder out;
        private boolean hasAt;
        private boolean hasPercent40;
        private boolean hasEquals;
        private boolean hasColon;

        Scan(CharSequence s) {
            this.s = s;
            this.n = s.length();
            this.out = new StringBuilder(n + 16);
            for (int i = 0; i < n; i++) {
                switch (s.charAt(i)) {
                    case '@': hasAt = true; break;
                    case '=': hasEquals = true; break;
                    case ':': hasColon = true; break;
                    case '%':
                        hasPercent40 |= i + 2 < n && s.charAt(i + 1) == '4' && s.charAt(i + 2) == '0';
                        break;
                    default:
                        break;
                }
            }
        }

        String run() {
            int i = 0;
            while (i < n) {
                char c = s.charAt(i);
                if (isWord(c) && (i == 0 || !isWord(s.charAt(i - 1)))) {
                    int runEnd = i + 1;
                    while (runEnd < n && isWord(s.charAt(runEnd))) {
                        runEnd++;
                    }
                    int next = rules(i, runEnd);
                    if (next < 0) {
                        // Word characters are never control characters: copy as is.
                        out.append(s, i, runEnd);
                        next = runEnd;
                    }
                    i = next;
                } else {
                    LogSafe.appendEscaped(out, c);
                    i++;
                }
            }
            return out.toString();
        }

        /** Applies the first rule matching the word at {@code [i, runEnd)}; the index after it, or -1. */
        private int rules(int i, int runEnd) {
            int next = -1;
            if (hasEquals || hasColon) {
                next = keyValue(i, runEnd);
            }
            char first = s.charAt(i);
            if (next < 0 && isDigit(first)) {
                next = cardNumber(i);
            }
            if (next < 0 && (first == 'B' || first == 'b')) {
                next = authScheme(i, runEnd);
            }
            if (next < 0 && first == 'e') {
                next = jwt(i);
            }
            if (next < 0) {
                next = prefixedSecret(i);
            }
            if (next < 0 && (hasAt || hasPercent40)) {
                next = email(i, runEnd);
            }
            return next;
        }

        // key=value, "key": value, and Name: value for credential headers.
        private int keyValue(int i, int runEnd) {
            if (runEnd >= n || runEnd - i > MAX_KEY_LENGTH) {
                return -1;
            }
            char after = s.charAt(runEnd);
            boolean json = after == '"' && i > 0 && s.charAt(i - 1) == '"' && runEnd + 1 < n && s.charAt(runEnd + 1) == ':';
            if (after != '=' && after != ':' && !json) {
                return -1;
            }
            String key = s.subSequence(i, runEnd).toString();
            if (after == '=') {
                return isSensitiveKey(key) ? maskPlainValue(i, runEnd + 1) : -1;
            }
            if (json) {
                return isSensitiveKey(key) ? maskJsonValue(i, runEnd + 2) : -1;
            }
            return CREDENTIAL_HEADERS.contains(key.toLowerCase(Locale.ROOT)) ? maskToEndOfLine(i, runEnd + 1) : -1;
        }

        private int maskPlainValue(int keyStart, int v) {
            if (v >= n) {
                return -1;
            }
            char q = s.charAt(v);
            if (q == '"' || q == '\'') {
                int close = closingQuote(v + 1, q);
                out.append(s, keyStart, v + 1).append(MASK);
                if (close < n) {
                    out.append(q);
                    return close + 1;
                }
                return n;
            }
            int end = v;
            while (end < n && !endsPlainValue(s.charAt(end))) {
                end++;
            }
            if (end == v) {
                return -1;
            }
            String value = s.subSequence(v, end).toString();
            if ((value.equalsIgnoreCase("bearer") || value.equalsIgnoreCase("basic")) && end < n && s.charAt(end) == ' ') {
                int token = skipSpaces(end);
                end = token;
                while (end < n && !endsPlainValue(s.charAt(end))) {
                    end++;
                }
            }
            out.append(s, keyStart, v).append(MASK);
            return end;
        }

        private int maskJsonValue(int keyStart, int afterColon) {
            int v = skipSpaces(afterColon);
            if (v >= n) {
                return -1;
            }
            char c = s.charAt(v);
            if (c == '{' || c == '[') {
                return -1;
            }
            if (c == '"') {
                int close = closingQuote(v + 1, '"');
                out.append(s, keyStart, v + 1).append(MASK);
                if (close < n) {
                    out.append('"');
                    return close + 1;
                }
                return n;
            }
            int end = v;
            while (end < n && !endsJsonValue(s.charAt(end))) {
                end++;
            }
            if (end == v) {
                return -1;
            }
            out.append(s, keyStart, v).append(MASK);
            return end;
        }

        private static boolean endsJsonValue(char c) {
            return c == ',' || c == '}' || c == ']' || c == ' ' || LogSafe.needsEscape(c);
        }

        private int maskToEndOfLine(int keyStart, int afterColon) {
            int v = skipSpaces(afterColon);
            int end = v;
            while (end < n && s.charAt(end) != '"' && !LogSafe.needsEscape(s.charAt(end))) {
                end++;
            }
            if (end == v) {
                return -1;
            }
            out.append(s, keyStart, v).append(MASK);
            return end;
        }

        private int closingQuote(int from, char q) {
            for (int j = from; j < n; j++) {
                char c = s.charAt(j);
                if (c == '\\') {
                    j++;
                } else if (c == q) {
                    return j;
                }
            }
            return n;
        }

        private int skipSpaces(int from) {
            int j = from;
            while (j < n && s.charAt(j) == ' ') {
                j++;
            }
            return j;
        }

        private boolean endsPlainValue(char c) {
            switch (c) {
                case '&': case ' ': case ',': case ';': case ')': case ']': case '}': case '"': case '\'':
                case '<': case '>':
                    return true;
                default:
                    return LogSafe.needsEscape(c);
            }
        }

        // 13-19 digits, alone or in groups split by one space or dash, passing the Luhn check.
        private int cardNumber(int i) {
            int[] digits = new int[19];
            int count = 0;
            int groups = 0;
            int groupLength = 0;
            boolean badGroup = false;
            char separator = 0;
            int j = i;
            while (j < n) {
                char c = s.charAt(j);
                if (isDigit(c)) {
                    if (count == digits.length) {
                        return copyDigitRun(i, j);
                    }
                    digits[count++] = c - '0';
                    groupLength++;
                    j++;
                } else if ((c == ' ' || c == '-') && (separator == 0 || separator == c)
                        && j + 1 < n && isDigit(s.charAt(j + 1))) {
                    badGroup |= groupLength < 4 || groupLength > 6;
                    groups++;
                    groupLength = 0;
                    separator = c;
                    j++;
                } else {
                    break;
                }
            }
            if (count < 13 || badGroup || (groups > 0 && groupLength > 6)) {
                return -1;
            }
            if (j < n) {
                char c = s.charAt(j);
                if (isAlnum(c) || c == '_' || ((c == '.' || c == ',') && j + 1 < n && isDigit(s.charAt(j + 1)))) {
                    return -1;
                }
            }
            if (!luhn(digits, count)) {
                return -1;
            }
            out.append("****-****-****-");
            for (int k = count - 4; k < count; k++) {
                out.append((char) ('0' + digits[k]));
            }
            return j;
        }

        // A digit sequence too long to be a card: copied whole so no card is found inside it.
        private int copyDigitRun(int i, int from) {
            int j = from;
            while (j < n && (isDigit(s.charAt(j))
                    || ((s.charAt(j) == ' ' || s.charAt(j) == '-') && j + 1 < n && isDigit(s.charAt(j + 1))))) {
                j++;
            }
            out.append(s, i, j);
            return j;
        }

        private static boolean luhn(int[] digits, int count) {
            int sum = 0;
            boolean twice = false;
            for (int k = count - 1; k >= 0; k--) {
                int d = digits[k];
                if (twice) {
                    d *= 2;
                    if (d > 9) {
                        d -= 9;
                    }
                }
                sum += d;
                twice = !twice;
            }
            return sum % 10 == 0;
        }

        // "Bearer <token>" (any case) and "Basic <base64>".
        private int authScheme(int i, int runEnd) {
            int length = runEnd - i;
            boolean bearer = length == 6 && equalsIgnoreCase(i, "bearer");
            boolean basic = length == 5 && equalsIgnoreCase(i, "basic") && s.charAt(i) == 'B';
            if ((!bearer && !basic) || runEnd >= n || s.charAt(runEnd) != ' ') {
                return -1;
            }
            int token = skipSpaces(runEnd);
            int end = token;
            while (end < n && isTokenChar(s.charAt(end), basic)) {
                end++;
            }
            if (end == token || (basic && end - token < 4)) {
                return -1;
            }
            out.append(s, i, token).append(MASK);
            return end;
        }

        private boolean equalsIgnoreCase(int i, String lowerWord) {
            for (int k = 0; k < lowerWord.length(); k++) {
                char c = s.charAt(i + k);
                if (c != lowerWord.charAt(k) && c + ('a' - 'A') != lowerWord.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isTokenChar(char c, boolean base64Only) {
            if (isAlnum(c) || c == '+' || c == '/' || c == '=') {
                return true;
            }
            return !base64Only && (c == '-' || c == '.' || c == '_' || c == '~');
        }

        // Three base64url segments, the first one starting "eyJ" ({"): a JWT or JWS.
        private int jwt(int i) {
            if (i + 3 > n || s.charAt(i + 1) != 'y' || s.charAt(i + 2) != 'J') {
                return -1;
            }
            int end1 = base64UrlEnd(i);
            if (end1 - i < 8 || end1 >= n || s.charAt(end1) != '.') {
                return -1;
            }
            int end2 = base64UrlEnd(end1 + 1);
            if (end2 - end1 - 1 < 2 || end2 >= n || s.charAt(end2) != '.') {
                return -1;
            }
            int end3 = base64UrlEnd(end2 + 1);
            out.append(MASK);
            return end3;
        }

        private int base64UrlEnd(int from) {
            int j = from;
            while (j < n && isBase64Url(s.charAt(j))) {
                j++;
            }
            return j;
        }

        // Known key prefixes followed by at least 16 random-looking characters.
        private int prefixedSecret(int i) {
            for (String prefix : SECRET_PREFIXES) {
                if (i + prefix.length() + MIN_PREFIXED_SECRET > n || !startsWith(i, prefix)) {
                    continue;
                }
                int start = i + prefix.length();
                int end = base64UrlEnd(start);
                if (end - start >= MIN_PREFIXED_SECRET && looksRandom(start, end)) {
                    out.append(prefix).append(MASK);
                    return end;
                }
            }
            return -1;
        }

        private boolean startsWith(int i, String prefix) {
            for (int k = 0; k < prefix.length(); k++) {
                if (s.charAt(i + k) != prefix.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        // At least two of lower case, upper case and digits: identifiers such as api_request_handler_timeout are not keys.
        private boolean looksRandom(int start, int end) {
            boolean lower = false;
            boolean upper = false;
            boolean digit = false;
            for (int j = start; j < end; j++) {
                char c = s.charAt(j);
                lower |= c >= 'a' && c <= 'z';
                upper |= c >= 'A' && c <= 'Z';
                digit |= isDigit(c);
            }
            return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) >= 2;
        }

        private int email(int i, int runEnd) {
            int at;
            int domainStart;
            if (runEnd < n && s.charAt(runEnd) == '@') {
                at = runEnd;
                domainStart = runEnd + 1;
            } else if (hasPercent40) {
                at = indexOfPercent40(i, runEnd);
                if (at < 0) {
                    return -1;
                }
                domainStart = at + 3;
            } else {
                return -1;
            }
            if (at == i) {
                return -1;
            }
            int domainEnd = domainEnd(domainStart);
            if (domainEnd < 0) {
                return -1;
            }
            out.append(s.charAt(i)).append(MASK).append(s, at, domainEnd);
            return domainEnd;
        }

        private int indexOfPercent40(int from, int to) {
            for (int j = from; j + 2 < to; j++) {
                if (s.charAt(j) == '%' && s.charAt(j + 1) == '4' && s.charAt(j + 2) == '0') {
                    return j;
                }
            }
            return -1;
        }

        // Labels of letters, digits and '-', joined by '.', at least two, the last one ≥ 2 letters.
        private int domainEnd(int from) {
            int j = from;
            int labels = 0;
            int lastLabelStart = from;
            int end = -1;
            while (j < n) {
                int start = j;
                while (j < n && (isAlnum(s.charAt(j)) || s.charAt(j) == '-')) {
                    j++;
                }
                if (j == start) {
                    break;
                }
                labels++;
                lastLabelStart = start;
                end = j;
                if (j + 1 < n && s.charAt(j) == '.' && isAlnum(s.charAt(j + 1))) {
                    j++;
                } else {
                    break;
                }
            }
            if (labels < 2 || end - lastLabelStart < 2) {
                return -1;
            }
            for (int k = lastLabelStart; k < end; k++) {
                char c = s.charAt(k);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                    return -1;
                }
            }
            return end;
        }
    }
}
