package dev.palisade.filters;

import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * Masks personal data and secrets in text about to be logged, and escapes control characters so
 * no value can forge a log line. One hand-written, linear scan per line (no backtracking regex):
 * rules are tried only where a word starts, and each looks ahead at most over that word and the
 * value after it.
 *
 * <p>Most lines have nothing to mask, so the scan is built to cost little per character: character
 * classes come from a lookup table, each rule is tried only when the word's first character or the
 * character after it can start that rule, keys are compared in place (no substring, no lower-cased
 * copy), and no output is built until the first change: a {@code String} that needs nothing is
 * returned as is.
 *
 * <table>
 * <caption>Rules</caption>
 * <tr><th>what</th><th>example</th><th>logged as</th></tr>
 * <tr><td>email (letters of any script)</td><td>{@code john.doe@example.com}, {@code john%40example.com}, {@code josé@example.com}</td><td>{@code j***@example.com}, {@code j***%40example.com}</td></tr>
 * <tr><td>sensitive {@code key=value}, {@code key: value}, {@code "key":"value"}, {@code 'key': 'value'},
 *     {@code \"key\":\"value\"}, also {@code key = value} and {@code "key" : "value"}; a bracketed value
 *     to its closing bracket</td><td>{@code password=hunter2}, {@code {token=[a, b]}}</td>
 *     <td>{@code password=***}, {@code {token=[***]}}</td></tr>
 * <tr><td>which names are sensitive: {@code token}, {@code key}, {@code password}, {@code secret},
 *     {@code email}, {@code session}, {@code code}, … and names ending in one of them or in its plural
 *     ({@code x-auth-token}, {@code db_passwords}, {@code signing-keys}); under the names of counts
 *     ({@code tokens}, {@code max_tokens}, {@code prompt_tokens}, {@code keys}, …) a plain whole number
 *     of up to 9 digits is kept</td><td>{@code session_tokens=a1}, {@code prompt_tokens=123}</td>
 *     <td>{@code session_tokens=***}, {@code prompt_tokens=123}</td></tr>
 * <tr><td>credential headers</td><td>{@code Authorization: Token x}, {@code Cookie: a=b}</td><td>{@code Authorization: ***}</td></tr>
 * <tr><td>bearer / basic credentials</td><td>{@code Bearer abc.def}</td><td>{@code Bearer ***}</td></tr>
 * <tr><td>password in a URL</td><td>{@code postgresql://app:s3cret@db/x}</td><td>{@code postgresql://app:***@db/x}</td></tr>
 * <tr><td>JWT</td><td>{@code eyJhbGciOi….eyJzdWIi….sig}</td><td>{@code ***}</td></tr>
 * <tr><td>prefixed API keys ({@code sk_ sk- pk_ rk_ api_ key_ ghp_ …}, ≥ 16 random-looking chars)</td><td>{@code sk_live_4eC39HqLyjWDarjtT1zdp7dc}</td><td>{@code sk_***}</td></tr>
 * <tr><td>card numbers: 13–19 digits, optionally in groups, Luhn-valid</td><td>{@code 4111 1111 1111 1111}</td><td>{@code ****-****-****-1111}</td></tr>
 * <tr><td>control and format characters, broken surrogate pairs</td><td>CR, LF, TAB, C1, U+2028/9, bidi controls, zero-width and other invisible characters, a lone surrogate</td><td>{@code \r}, {@code \n}, {@code \t}, {@code \u0085}, {@code \u2060}</td></tr>
 * </table>
 *
 * <p>What is deliberately kept: request ids and other bare hex or UUID tokens (they correlate logs;
 * a secret is recognised by its label, prefix or shape instead), digit runs that fail the Luhn check
 * or are shorter than 13 digits (order and phone numbers), digit runs longer than a card (ids and
 * lists of numbers, but for a later group that is card-long by itself), and ordinary words.
 */
public final class Redactor {
    /** What a masked value is replaced by. */
    public static final String MASK = "***";

    private static final int MAX_KEY_LENGTH = 64;
    private static final String AUTHORIZATION = "authorization";
    private static final int MIN_PREFIXED_SECRET = 16;

    private static final Set<String> SENSITIVE_KEYS = Set.of(
            "token", "key", "apikey", "api_key", "api-key", "password", "passwd", "pwd", "pw", "pass", "pass_word",
            "passcode", "passphrase",
            "secret", "email", "e-mail", "mail", "auth", "authorization", "access_token", "refresh_token",
            "id_token", "session", "sessionid", "session_id", "jsessionid", "sid", "code", "otp", "pin", "ssn",
            "cvv", "cvc", "card", "cardnumber", "card_number", "pan", "credential", "credentials", "signature",
            "sig", "client_secret", "private_key", "cookie", "set-cookie", "jwt", "bearer", "otp_code", "phpsessid",
            "remember-me", "keys");
    private static final String[] SENSITIVE_SUFFIXES = {
        "token", "secret", "password", "passwd", "apikey", "api_key", "api-key", "_key", "-key", ".key",
        "_session", "sessionid", "credentials", "cookie", "secretkey", "privatekey", "accesskey", "signature",
        "_pwd", "_pass", "-pass", "_pw", "-pw", "sessid", "secrets", "apikeys", "tokens", "_keys", "-keys", ".keys", "passwords",
        "authorization",
    };
    /**
     * Names of counts that end like plurals of secrets ({@code prompt_tokens=123},
     * {@code max_tokens: 256}, {@code keys=1532}): under them a plain whole number is kept, any
     * other value masked. Only these: {@code api_keys=123456} may be a numeric secret.
     */
    private static final Set<String> COUNT_NAMES = Set.of("keys", "tokens", "max_tokens", "maxtokens",
            "max_completion_tokens", "prompt_tokens", "prompttokens", "completion_tokens", "completiontokens",
            "total_tokens", "totaltokens", "input_tokens", "inputtokens", "output_tokens", "outputtokens",
            "cached_tokens", "reasoning_tokens", "max_output_tokens", "num_tokens", "num_keys", "total_keys",
            "cache_keys");
    /** The most digits a kept count has: a longer number could be a numeric secret. */
    private static final int MAX_COUNT_DIGITS = 9;
    /** Names that start like these hold secrets whatever follows ({@code password_confirmation}). */
    private static final String[] SENSITIVE_PREFIXES = {"password", "passwd"};
    /** Names whose {@code name: value} form (HTTP header style) is masked to the end of the line. */
    private static final String[] CREDENTIAL_HEADERS = {
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token",
    };
    private static final String[] SECRET_PREFIXES = {
        "sk_", "sk-", "pk_", "rk_", "api_", "key_", "ghp_", "gho_", "ghu_", "ghs_", "github_pat_", "glpat-",
        "xoxb-", "xoxp-", "xoxe-", "xapp-", "whsec_", "ghr_", "npm_", "AIza",
    };

    private static final String[] NONE = {};
    /** What can follow a key: {@code = : " ' \}. */
    private static final boolean[] KEY_END = new boolean[128];
    /** Word characters (ASCII only): what emails' local parts, keys, tokens and numbers share. */
    private static final boolean[] WORD = new boolean[128];
    /** The longest local part an address may have (RFC 5321). */
    private static final int MAX_LOCAL_PART = 64;
    /** {@link #SENSITIVE_KEYS} by last character: a key is compared only with the few names ending like it. */
    private static final String[][] KEYS_BY_LAST_CHAR = byLastChar(SENSITIVE_KEYS.toArray(NONE));
    /** {@link #SENSITIVE_SUFFIXES} by last character. */
    private static final String[][] SUFFIXES_BY_LAST_CHAR = byLastChar(SENSITIVE_SUFFIXES);
    /** {@link #SECRET_PREFIXES} by first character, in their original order: most words start with none. */
    private static final String[][] PREFIXES_BY_FIRST_CHAR = new String[128][];
    /**
     * The shortest word that can hold a prefixed secret. Prefixes and base64url are word
     * characters, so a secret never extends past the word it starts: shorter words need no look.
     */
    private static final int MIN_PREFIXED_WORD =
            Arrays.stream(SECRET_PREFIXES).mapToInt(String::length).min().orElse(0) + MIN_PREFIXED_SECRET;
    /**
     * The most digits of a card number: a longer run is an id or a list of numbers, and no card is
     * looked for inside it but in a later group that is card-long by itself.
     */
    private static final int MAX_CARD_DIGITS = 19;
    private static final int MIN_CARD_DIGITS = 13;
    /** How many times a query value is decoded in search of what its encoding hides. */
    private static final int MAX_DECODINGS = 3;
    /** The most [..] groups a form field's name may have ({@code user[address][0][line]}). */
    private static final int MAX_BRACKET_GROUPS = 8;

    static {
        for (char c = 0; c < WORD.length; c++) {
            WORD[c] = isAlnum(c) || c == '.' || c == '_' || c == '-' || c == '%' || c == '+';
        }
        for (char c : new char[] {'=', ':', '"', '\'', '\\'}) {
            KEY_END[c] = true;
        }
        Arrays.fill(PREFIXES_BY_FIRST_CHAR, NONE);
        for (String prefix : SECRET_PREFIXES) {
            char first = prefix.charAt(0);
            PREFIXES_BY_FIRST_CHAR[first] = with(PREFIXES_BY_FIRST_CHAR[first], prefix);
        }
    }

    private Redactor() {
    }

    private static String[][] byLastChar(String[] words) {
        String[][] table = new String[128][];
        Arrays.fill(table, NONE);
        for (String word : words) {
            char last = word.charAt(word.length() - 1);
            table[last] = with(table[last], word);
        }
        return table;
    }

    private static String[] with(String[] bucket, String word) {
        String[] grown = Arrays.copyOf(bucket, bucket.length + 1);
        grown[bucket.length] = word;
        return grown;
    }

    /**
     * {@code text} with every rule applied and control characters escaped; {@code "null"} for null.
     * A {@code String} with nothing to mask or escape is returned itself, not a copy. Never throws:
     * should the redactor fail on a text, it returns {@code [unredactable]} (none of the text) and
     * logs the fault once.
     */
    public static String redact(CharSequence text) {
        if (text == null) {
            return "null";
        }
        try {
            // Scanned as a String: String.charAt is a direct, inlinable call whatever callers pass in.
            return new Scan(text.toString()).run();
        } catch (RuntimeException e) {
            return RedactionFailures.placeholderFor(e);
        }
    }

    /**
     * A raw query string ({@code a=1&token=x}) with the values of sensitive keys masked (keys are
     * percent-decoded before the check, so {@code api%5Fkey} counts) and every other value redacted
     * as by {@link #redact}. {@code null} stays {@code null}. Never throws, as {@link #redact}.
     */
    public static String redactQuery(String query) {
        if (query == null) {
            return null;
        }
        try {
            return redactPairs(query);
        } catch (RuntimeException e) {
            return RedactionFailures.placeholderFor(e);
        }
    }

    private static String redactPairs(String query) {
        StringBuilder out = new StringBuilder(query.length() + 8);
        int start = 0;
        while (start <= query.length()) {
            int amp = query.indexOf('&', start);
            int end = amp < 0 ? query.length() : amp;
            // Searched within the pair only: a search to the end for every pair would cost pairs x length.
            int eq = Chars.indexOf(query, '=', start, end);
            if (eq >= 0 && eq + 1 < end && isSensitiveQueryKey(query.substring(start, eq))) {
                out.append(LogSafe.escape(query.substring(start, eq))).append('=').append(MASK);
            } else if (eq >= 0 && hasEncoding(query, eq + 1, end)) {
                out.append(redact(query.substring(start, eq + 1))).append(redactEncodedValue(query.substring(eq + 1, end)));
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

    private static boolean hasEncoding(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '+') {
                return true;
            }
        }
        return false;
    }

    /**
     * A percent-encoded query value: redacted as it is, unless a decoded form holds something to
     * mask ({@code 4111+1111+1111+1111}, a URL whose own query carries {@code access_token%3D...}),
     * which the encoding hides from the rules; then that decoded form, redacted, is what is logged.
     * Decoded up to {@link #MAX_DECODINGS} times: a return URL inside a return URL
     * ({@code next=%2Flogin%3Fnext%3D%252Fcb%253Ftoken%253D...}) is encoded twice.
     */
    private static String redactEncodedValue(String raw) {
        String text = raw;
        for (int decodings = 0; decodings < MAX_DECODINGS && hasEncoding(text, 0, text.length()); decodings++) {
            String decoded = decodeQueryText(text);
            if (decoded.equals(text)) {
                break;
            }
            String redacted = redact(decoded);
            if (!redacted.equals(LogSafe.escape(decoded))) {
                return redacted;
            }
            text = decoded;
        }
        return redact(raw);
    }

    /** Percent-decodes ASCII escapes and reads {@code +} as a space; other bytes stay encoded. */
    private static String decodeQueryText(String raw) {
        StringBuilder text = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int hi = Chars.hexValue(raw.charAt(i + 1));
                int lo = Chars.hexValue(raw.charAt(i + 2));
                if (hi >= 0 && lo >= 0 && hi < 8) {
                    text.append((char) (hi * 16 + lo));
                    i += 2;
                    continue;
                }
            }
            text.append(c == '+' ? ' ' : c);
        }
        return text.toString();
    }

    /** Whether a parameter or field of this name holds a value that must not be logged. */
    public static boolean isSensitiveKey(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_KEY_LENGTH) {
            return false;
        }
        if (isAscii(name)) {
            return isSensitiveAsciiKey(name, 0, name.length());
        }
        // Some non-ASCII letters lower-case into ASCII ones (the Kelvin sign into 'k'): the general way.
        String lower = name.toLowerCase(Locale.ROOT);
        if (SENSITIVE_KEYS.contains(lower)) {
            return true;
        }
        for (String suffix : SENSITIVE_SUFFIXES) {
            if (lower.endsWith(suffix)) {
                return true;
            }
        }
        for (String prefix : SENSITIVE_PREFIXES) {
            if (lower.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 128) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #isSensitiveKey} for the ASCII name at {@code [start, end)} of {@code s}, compared in
     * place: no substring, no lower-cased copy, and only with the names and suffixes ending in the
     * same letter.
     */
    private static boolean isSensitiveAsciiKey(CharSequence s, int start, int end) {
        int length = end - start;
        if (length == 0 || length > MAX_KEY_LENGTH) {
            return false;
        }
        char last = toLowerAscii(s.charAt(end - 1));
        for (String key : KEYS_BY_LAST_CHAR[last]) {
            if (key.length() == length && endsWithIgnoreCase(s, end, key)) {
                return true;
            }
        }
        for (String suffix : SUFFIXES_BY_LAST_CHAR[last]) {
            if (suffix.length() <= length && endsWithIgnoreCase(s, end, suffix)) {
                return true;
            }
        }
        char first = toLowerAscii(s.charAt(start));
        for (String prefix : SENSITIVE_PREFIXES) {
            if (first == prefix.charAt(0) && prefix.length() < length && endsWithIgnoreCase(s, start + prefix.length(), prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the ASCII text ending at {@code end} ends with {@code lowerWord}, ignoring case; the caller checks the length. */
    private static boolean endsWithIgnoreCase(CharSequence s, int end, String lowerWord) {
        int offset = end - lowerWord.length();
        // From the end: names sharing a last letter usually differ just before it.
        for (int k = lowerWord.length() - 1; k >= 0; k--) {
            if (toLowerAscii(s.charAt(offset + k)) != lowerWord.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static char toLowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /**
     * Whether a raw query key names a secret: percent-decoded (ASCII), and with brackets
     * ({@code user[password]}, {@code token[]}, {@code user[password][0]}) when any name in it does.
     */
    private static boolean isSensitiveQueryKey(String raw) {
        String decoded = decodeQueryText(raw).trim();
        int open = decoded.indexOf('[');
        if (open < 0) {
            return isSensitiveKey(decoded);
        }
        if (isSensitiveKey(decoded.substring(0, open))) {
            return true;
        }
        int from = open + 1;
        int close;
        while ((close = decoded.indexOf(']', from)) >= 0) {
            if (isSensitiveKey(decoded.substring(from, close))) {
                return true;
            }
            from = decoded.indexOf('[', close);
            if (from < 0) {
                break;
            }
            from++;
        }
        return false;
    }

    // Characters a "word" is made of: what emails' local parts, keys, tokens and numbers share.
    static boolean isWord(char c) {
        return c < WORD.length && WORD[c];
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

    /**
     * One redaction pass over one text. Unchanged text is not copied character by character: the
     * output is only created when a rule masks something or a character must be escaped, and then
     * receives the unchanged stretch before it in one piece ({@link #keepUpTo}).
     */
    private static final class Scan {
        private final String s;
        private final int n;
        /** Null while nothing has changed. */
        private StringBuilder out;
        /** Whether an encoded '@' occurs at all: one vectorised search instead of one per word. */
        private final boolean hasPercent40;
        /** Input before this index has been written to {@link #out} (or, while it is null, needs nothing). */
        private int copied;
        /** While an email's local part is walked back: the script of its letters, once one is seen. */
        private Character.UnicodeScript localPartScript;

        Scan(String s) {
            this.s = s;
            this.n = s.length();
            this.hasPercent40 = s.contains("%40");
        }

        String run() {
            int i = 0;
            while (i < n) {
                char c = s.charAt(i);
                if (!isWord(c)) {
                    if (LogSafe.needsEscape(c)) {
                        LogSafe.appendEscaped(keepUpTo(i), c);
                        copied = i + 1;
                    } else if (Character.isSurrogate(c)) {
                        if (LogSafe.keepsSurrogatePair(s, i)) {
                            i += 2;
                            continue;
                        }
                        LogSafe.appendEscaped(keepUpTo(i), c);
                        copied = i + 1;
                    } else if (c == '@' && i > copied && s.charAt(i - 1) > 0x7F) {
                        int next = emailEndingInNonAscii(i);
                        if (next >= 0) {
                            i = isWord(s.charAt(next - 1)) ? wordEnd(next) : next;
                            continue;
                        }
                    }
                    i++;
                    continue;
                }
                int runEnd = wordEnd(i + 1);
                int next = rules(i, runEnd);
                if (next < 0) {
                    // Word characters are never control characters: with no rule applied the word is kept as is.
                    i = runEnd;
                } else if (isWord(s.charAt(next - 1))) {
                    // A rule stopped inside a word (after an email's domain, say): no rule starts in
                    // its rest, which is kept as is.
                    i = wordEnd(next);
                } else {
                    i = next;
                }
            }
            if (out == null) {
                return s;
            }
            return out.append(s, copied, n).toString();
        }

        private int wordEnd(int from) {
            int j = from;
            while (j < n && isWord(s.charAt(j))) {
                j++;
            }
            return j;
        }

        /** The output, holding the input up to {@code upTo}: called when a rule replaces what starts there. */
        private StringBuilder keepUpTo(int upTo) {
            if (out == null) {
                out = new StringBuilder(n + 16);
            }
            out.append(s, copied, upTo);
            copied = upTo;
            return out;
        }

        /** Like {@link #keepUpTo}, for input the scan has not visited: control and format characters escaped. */
        private StringBuilder keepEscapedUpTo(int upTo) {
            StringBuilder written = keepUpTo(copied);
            for (int k = copied; k < upTo; k++) {
                char c = s.charAt(k);
                if (LogSafe.keepsSurrogatePair(s, k)) {
                    written.append(c).append(s.charAt(++k));
                } else {
                    LogSafe.appendEscaped(written, c);
                }
            }
            copied = upTo;
            return written;
        }

        /** After a replacement written to the output: the input resumes at {@code end}. */
        private int resumeAt(int end) {
            copied = end;
            return end;
        }

        /**
         * Applies the first rule matching the word at {@code [i, runEnd)}; the index after it, or -1.
         * Each rule is only called when the word's first character, or the one after it, can start it.
         */
        private int rules(int i, int runEnd) {
            char first = s.charAt(i);
            char after = runEnd < n ? s.charAt(runEnd) : 0;
            int next = -1;
            if (after == ' ') {
                if (isSeparator(runEnd + 1)) {
                    next = keyValue(i, runEnd);
                }
            } else if (after == '[' || (after == ']' && i > 0 && s.charAt(i - 1) == '[')) {
                next = bracketedKeyValue(i, runEnd);
            } else if (after < KEY_END.length && KEY_END[after]) {
                if (after == ':' && s.startsWith("//", runEnd + 1)) {
                    next = urlPassword(runEnd + 3);
                }
                if (next < 0) {
                    next = keyValue(i, runEnd);
                }
            }
            if (next < 0 && isDigit(first)) {
                next = cardNumber(i);
            }
            if (next < 0 && (first == 'B' || first == 'b')) {
                next = authScheme(i, runEnd);
            }
            if (next < 0 && first == 'e') {
                next = jwt(i);
            }
            if (next < 0 && runEnd - i >= MIN_PREFIXED_WORD && PREFIXES_BY_FIRST_CHAR[first].length > 0) {
                next = prefixedSecret(i, PREFIXES_BY_FIRST_CHAR[first]);
            }
            if (next < 0 && (after == '@' || hasPercent40)) {
                next = email(i, runEnd);
            }
            return next;
        }

        /**
         * A form field's bracketed name, as PHP and Rails forms write them: {@code user[password]=x}
         * (the word is the bracketed name) or {@code token[]=x}, {@code password[0]=x} (the word is
         * the base name, its brackets follow): the value is masked when the word names a secret.
         */
        private int bracketedKeyValue(int i, int runEnd) {
            int j = runEnd;
            if (s.charAt(j) == ']') {
                j++;
            }
            // Further [..] groups, each short, and few: "[a]" repeated would otherwise have every
            // bracketed word look ahead over all the groups after it.
            for (int groups = 0; j < n && s.charAt(j) == '['; groups++) {
                if (groups == MAX_BRACKET_GROUPS) {
                    return -1;
                }
                int close = j + 1;
                while (close < n && close - j <= MAX_KEY_LENGTH && s.charAt(close) != ']' && isWord(s.charAt(close))) {
                    close++;
                }
                if (close >= n || s.charAt(close) != ']') {
                    return -1;
                }
                j = close + 1;
            }
            if (j >= n || s.charAt(j) != '=' || !isSensitiveAsciiKey(s, i, runEnd)) {
                return -1;
            }
            return maskPlainValue(j + 1);
        }

        // key=value, key: value, "key": value, 'key': value and, inside a JSON string, \"key\": value
        // (each also with one space before the separator, as in key = value and pretty-printed
        // JSON's "key" : value), and Name: value for credential headers.
        private int keyValue(int i, int runEnd) {
            if (runEnd >= n || runEnd - i > MAX_KEY_LENGTH) {
                return -1;
            }
            if (s.charAt(runEnd) == '=') {
                // The common shape (status=200) first, with nothing else to look at.
                if (isSensitiveAsciiKey(s, i, runEnd)) {
                    return isCountAt(i, runEnd, runEnd + 1) ? -1 : maskPlainValue(runEnd + 1, isAuthorization(i, runEnd));
                }
                // An encoded name (user%5Bpassword%5D, pass%77ord), as a form body carries it.
                return hasEncoding(s, i, runEnd) && isSensitiveQueryKey(s.substring(i, runEnd))
                        ? maskPlainValue(runEnd + 1) : -1;
            }
            int quote = keyQuoteLength(i, runEnd);
            int separator = runEnd + quote;
            boolean spaced = separator < n && s.charAt(separator) == ' ';
            if (spaced) {
                separator++;
            }
            if (!isSeparator(separator) || (quote > 0 && s.charAt(separator) != ':')) {
                return -1;
            }
            // Keys are word characters, so ASCII: compared in place.
            if (quote > 0) {
                return isSensitiveAsciiKey(s, i, runEnd) && !isCountAt(i, runEnd, skipSpaces(separator + 1))
                        ? maskJsonValue(separator + 1, quote == 2) : -1;
            }
            if (s.charAt(separator) == ':' && isCredentialHeader(i, runEnd)) {
                return maskToEndOfLine(separator + 1);
            }
            // "key= value" is an empty value followed by text; "key: value" and "key = value" are not.
            boolean valueAfterSpaces = spaced || s.charAt(separator) == ':';
            int value = valueAfterSpaces ? skipSpaces(separator + 1) : separator + 1;
            return isSensitiveAsciiKey(s, i, runEnd) && !isCountAt(i, runEnd, value)
                    ? maskPlainValue(value, isAuthorization(i, runEnd)) : -1;
        }

        /**
         * Whether the key names an {@code Authorization} value ({@code X-Authorization},
         * {@code HTTP_AUTHORIZATION}): its first word may be any scheme ({@code Token},
         * {@code Negotiate}), and the credential after it is masked with it.
         */
        private boolean isAuthorization(int i, int runEnd) {
            return runEnd - i >= AUTHORIZATION.length() && endsWithIgnoreCase(s, runEnd, AUTHORIZATION);
        }

        /**
         * Whether the name at {@code [i, runEnd)} is a plural that also names counts and the value at
         * {@code v} is a plain whole number of at most {@value #MAX_COUNT_DIGITS} digits, ending there.
         */
        private boolean isCountAt(int i, int runEnd, int v) {
            char last = s.charAt(runEnd - 1);
            if ((last != 's' && last != 'S') || runEnd - i > 32
                    || !COUNT_NAMES.contains(s.subSequence(i, runEnd).toString().toLowerCase(Locale.ROOT))) {
                return false;
            }
            int j = v;
            while (j < n && j - v <= MAX_COUNT_DIGITS && isDigit(s.charAt(j))) {
                j++;
            }
            return j > v && j - v <= MAX_COUNT_DIGITS && (j == n || endsCount(s.charAt(j)));
        }

        /** What may follow a count: the end of a pair, a list entry, a JSON value or the line. */
        private static boolean endsCount(char c) {
            return c == ' ' || c == '&' || c == ',' || c == '}' || c == ']' || c == ')' || c == '"' || c == '\''
                    || c == '\t' || c == '\r' || c == '\n';
        }

        /** 1 for a key in quotes ("key" or 'key'), 2 for one in escaped quotes (\"key\"), else 0. */
        private int keyQuoteLength(int i, int runEnd) {
            char after = s.charAt(runEnd);
            if ((after == '"' || after == '\'') && i > 0 && s.charAt(i - 1) == after) {
                return 1;
            }
            if (after == '\\' && runEnd + 1 < n && s.charAt(runEnd + 1) == '"' && i > 1 && s.charAt(i - 1) == '"'
                    && s.charAt(i - 2) == '\\') {
                return 2;
            }
            return 0;
        }

        /**
         * The password of a URL's user information ({@code postgresql://app:secret@db/x}), the
         * authority starting at {@code authority}: masked up to its {@code @}. The user name is kept.
         */
        private int urlPassword(int authority) {
            int at = -1;
            int colon = -1;
            for (int end = authority; end < n; end++) {
                char c = s.charAt(end);
                if (c == '/' || c == '?' || c == '#' || c == ' ' || c == '"' || c == '\'' || c == '<' || c == '>'
                        || LogSafe.breaksValue(c)) {
                    break;
                }
                if (c == '@') {
                    at = end;
                } else if (c == ':' && colon < 0) {
                    colon = end;
                }
            }
            if (colon < 0 || colon + 1 >= at) {
                return -1;
            }
            // The user name has not been scanned yet: escaped here as the scan would have.
            keepEscapedUpTo(colon + 1).append(MASK);
            return resumeAt(at);
        }

        private boolean isSeparator(int at) {
            return at < n && (s.charAt(at) == '=' || s.charAt(at) == ':');
        }

        private boolean isCredentialHeader(int i, int runEnd) {
            for (String header : CREDENTIAL_HEADERS) {
                if (header.length() == runEnd - i && endsWithIgnoreCase(s, runEnd, header)) {
                    return true;
                }
            }
            return false;
        }

        private int maskPlainValue(int v) {
            return maskPlainValue(v, false);
        }

        /** As above; with {@code anyScheme}, a first word of token characters counts as an auth scheme. */
        private int maskPlainValue(int v, boolean anyScheme) {
            if (v >= n) {
                return -1;
            }
            char q = s.charAt(v);
            if (q == '"' || q == '\'') {
                return maskQuoted(v, q);
            }
            char close = closingBracket(q);
            if (close != 0) {
                // A list or tuple ({key=[a, b]} from Map.toString, say): all of it, to its bracket.
                return maskBracketed(v, q, close);
            }
            int end = pastLeadingControls(v);
            if (end > v && end < n && (s.charAt(end) == '"' || s.charAt(end) == '\'')) {
                return maskQuotedAfter(v, end);
            }
            if (end > v && (end == n || endsPlainValue(s.charAt(end)))) {
                // Nothing but such characters before the value's end: escaped as they are, not masked.
                end = v;
            }
            int word = end;
            while (end < n && !endsPlainValue(s.charAt(end))) {
                end++;
            }
            if (end == v) {
                return -1;
            }
            if (end < n && skipValueGap(end) > end
                    && (anyScheme ? isSchemeToken(word, end) : isAuthSchemeName(word, end))) {
                // The credential after the scheme, control characters in it included ("Bearer\u200Eabc").
                end = skipValueGap(end);
                int token = end;
                while (end < n && (!endsPlainValue(s.charAt(end))
                        || (LogSafe.breaksValue(s.charAt(end)) && s.charAt(end) != '\t' && !isLineBreak(s.charAt(end))))) {
                    end++;
                }
                if (end > token) {
                    // Auth-params (Digest's username="bob", response="6629…") run over all of them; a
                    // number in groups after the scheme is a card's: all of its groups.
                    end = isAuthParam(token, end) ? authParamsEnd(continuedValue(token, end)) : continuedValue(token, end);
                }
            } else {
                end = continuedValue(word, end);
            }
            keepUpTo(v).append(MASK);
            return resumeAt(end);
        }

        /**
         * Whether the credential's first word at {@code [from, to)} is an auth-param
         * ({@code name=value}, or {@code name=} before a quoted value) rather than a token68, whose
         * only {@code =} are its trailing padding ({@code dXNlcg==}).
         */
        private boolean isAuthParam(int from, int to) {
            int eq = Chars.indexOf(s, '=', from, to);
            if (eq <= from) {
                return false;
            }
            int padding = eq;
            while (padding < to && s.charAt(padding) == '=') {
                padding++;
            }
            return padding < to || (to < n && s.charAt(to) == '"' && padding == eq + 1);
        }

        /**
         * The end of a list of auth-params whose first one ends at {@code end}
         * ({@code username="bob", realm="x", qop=auth, response="6629…"}): each further one
         * follows a comma, a quoted value runs to its closing quote, a number in groups over all of
         * them. The first thing that is no {@code name=value} ends the list.
         */
        private int authParamsEnd(int end) {
            int last = end < n && s.charAt(end) == '"' ? quotedPartEnd(end + 1) : end;
            while (true) {
                int j = last;
                // OWS around the comma: spaces or tabs (RFC 9110).
                while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
                    j++;
                }
                if (j == n || s.charAt(j) != ',') {
                    return last;
                }
                j++;
                while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
                    j++;
                }
                int name = j;
                while (j < n && s.charAt(j) != '=' && !endsPlainValue(s.charAt(j))) {
                    j++;
                }
                if (j == name || j == n || s.charAt(j) != '=') {
                    return last;
                }
                j++;
                if (j < n && s.charAt(j) == '"') {
                    last = quotedPartEnd(j + 1);
                    continue;
                }
                int value = j;
                while (j < n && !endsPlainValue(s.charAt(j))) {
                    j++;
                }
                if (j == value) {
                    return last;
                }
                last = continuedValue(value, j);
            }
        }

        /**
         * Where a sensitive key's unquoted value really ends, given that its first word ends at
         * {@code end}: a number written in groups ({@code cardNumber=5555 5555 5555 4444}, as
         * {@code Map.toString} prints a form) goes on over the following words made of digits, with
         * dashes between them ({@code 4111 1111-1111 1111}). The first group alone left a card's last
         * twelve digits in the log. Words of other kinds are kept: they are usually the line's prose,
         * not the value.
         */
        private int continuedValue(int v, int end) {
            // The word's own trailing digits count as the first group when something other than a
            // letter or digit precedes them ("Basic\u00A04539 1488 …": a no-break space is no word break).
            int digits = end;
            while (digits > v && isDigit(s.charAt(digits - 1))) {
                digits--;
            }
            if (digits == end || (digits > v && isAlnum(s.charAt(digits - 1)))) {
                return end;
            }
            int last = end;
            while (last < n && s.charAt(last) == ' ') {
                int word = last + 1;
                int wordEnd = word;
                while (wordEnd < n && (isDigit(s.charAt(wordEnd)) || (s.charAt(wordEnd) == '-'
                        && wordEnd > word && wordEnd + 1 < n && isDigit(s.charAt(wordEnd + 1))))) {
                    wordEnd++;
                }
                if (wordEnd == word || (wordEnd < n && !endsPlainValue(s.charAt(wordEnd)))
                        || !cardGroups(word, wordEnd)) {
                    return last;
                }
                last = wordEnd;
            }
            return last;
        }

        /**
         * Whether the digits at {@code [from, to)} are split by dashes only into groups of 4-6, as
         * a card's are ({@code 1111-1111}); a word without dashes passes. A date or a range after the
         * value ({@code pin=1234 2026-12-04 done}) is the line's prose, not the value.
         */
        private boolean cardGroups(int from, int to) {
            if (Chars.indexOf(s, '-', from, to) < 0) {
                return true;
            }
            int group = 0;
            for (int k = from; k <= to; k++) {
                if (k == to || s.charAt(k) == '-') {
                    if (group < 4 || group > 6) {
                        return false;
                    }
                    group = 0;
                } else {
                    group++;
                }
            }
            return true;
        }

        private static char closingBracket(char open) {
            switch (open) {
                case '[': return ']';
                case '(': return ')';
                case '{': return '}';
                case '<': return '>';
                default: return 0;
            }
        }

        /** Masks inside the quotes starting at {@code v}, to the closing one or the end of the text. */
        private int maskQuoted(int v, char q) {
            int close = closingQuote(v + 1, q);
            keepUpTo(v + 1).append(MASK);
            if (close < n) {
                out.append(q);
                return resumeAt(close + 1);
            }
            return resumeAt(n);
        }

        /**
         * Past the control and format characters a value starts with: they are part of it, not its
         * end ({@code password=\u202Ehunter2}, {@code "token":\u0000x}). A line break is not.
         */
        private int pastLeadingControls(int v) {
            int end = v;
            while (end < n && LogSafe.needsEscape(s.charAt(end)) && !isLineBreak(s.charAt(end))) {
                end++;
            }
            return end;
        }

        /**
         * A quoted value at {@code quote} after control or format characters from {@code v} on
         * ({@code password: \u200B"correct horse battery"}): all of it, those characters and the
         * quotes included, which are not written as they came.
         */
        private int maskQuotedAfter(int v, int quote) {
            int close = closingQuote(quote + 1, s.charAt(quote));
            int end = close < n ? close + 1 : n;
            for (int j = quote + 1; j < end; j++) {
                if (isLineBreak(s.charAt(j))) {
                    // Unclosed on its line: the rest of the line, not of the text.
                    end = j;
                    break;
                }
            }
            keepUpTo(v).append(MASK);
            return resumeAt(end);
        }

        /** Masks inside the brackets starting at {@code v}, to the matching one or the end of the line. */
        private int maskBracketed(int v, char open, char close) {
            int depth = 0;
            int end = v;
            while (end < n && !LogSafe.breaksValue(s.charAt(end))) {
                char c = s.charAt(end);
                if (c == open) {
                    depth++;
                } else if (c == close && --depth == 0) {
                    break;
                }
                end++;
            }
            if (end == v + 1 && end < n && s.charAt(end) == close) {
                return -1;
            }
            keepUpTo(v + 1).append(MASK);
            if (end < n && s.charAt(end) == close) {
                out.append(close);
                return resumeAt(end + 1);
            }
            return resumeAt(end);
        }

        // The value may hold any character, so String.equalsIgnoreCase decides; the length check
        // first keeps the substring off all other values.
        /** An RFC 9110 auth-scheme as written in practice: up to 32 letters, digits, - and _, a letter first. */
        private boolean isSchemeToken(int v, int end) {
            if (end - v > 32 || !Character.isLetter(s.charAt(v)) || s.charAt(v) > 0x7f) {
                return false;
            }
            for (int k = v; k < end; k++) {
                char c = s.charAt(k);
                if (c > 0x7f || !(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                    return false;
                }
            }
            return true;
        }

        private boolean isAuthSchemeName(int v, int end) {
            int length = end - v;
            if (length != "bearer".length() && length != "basic".length()) {
                return false;
            }
            String value = s.substring(v, end);
            return value.equalsIgnoreCase("bearer") || value.equalsIgnoreCase("basic");
        }

        private int maskJsonValue(int afterColon, boolean escapedQuotes) {
            int v = skipSpaces(afterColon);
            if (v >= n) {
                return -1;
            }
            char c = s.charAt(v);
            if (c == '[') {
                // {"password":["hunter2"]}, as a parameter map is written: the whole list.
                return maskBracketed(v, '[', ']');
            }
            if (c == '{') {
                // An object: the names inside it get their own look.
                return -1;
            }
            if (escapedQuotes && c == '\\' && v + 1 < n && s.charAt(v + 1) == '"') {
                int close = s.indexOf("\\\"", v + 2);
                keepUpTo(v + 2).append(MASK);
                return resumeAt(close < 0 ? n : close);
            }
            if (c == '"' || c == '\'') {
                return maskQuoted(v, c);
            }
            int end = pastLeadingControls(v);
            if (end > v && end < n && (s.charAt(end) == '"' || s.charAt(end) == '\'')) {
                return maskQuotedAfter(v, end);
            }
            if (end > v && (end == n || endsJsonValue(s.charAt(end)))) {
                end = v;
            }
            while (end < n && !endsJsonValue(s.charAt(end))) {
                end++;
            }
            if (end == v) {
                return -1;
            }
            keepUpTo(v).append(MASK);
            return resumeAt(end);
        }

        private static boolean endsJsonValue(char c) {
            return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\\' || LogSafe.breaksValue(c);
        }

        private int maskToEndOfLine(int afterColon) {
            int v = skipSpaces(afterColon);
            if (v < n && (s.charAt(v) == '"' || s.charAt(v) == '[')) {
                // Spring's HttpHeaders.toString() quotes each value: [Cookie:"a=b", ...].
                return maskPlainValue(v);
            }
            // To the next tab (a tab-separated line's next field is not the value) or line break.
            // Other control and bidi characters are part of the value ("Bearer abc\u0000def"), as
            // is any run of them, spaces and tabs before it or after its scheme ("Bearer\u200E<token>").
            // A quote that opens a part of the value (after '=': a quoted cookie value, Digest's
            // username="…", response="…"; or the token after the scheme) runs to its closing quote;
            // any other quote closes a string the header line sits in, or starts the line's prose,
            // and ends the value.
            int end = skipValueGap(v);
            int word = end;
            int afterScheme = -1;
            while (end < n && s.charAt(end) != '\t' && !isLineBreak(s.charAt(end))) {
                if (s.charAt(end) == '"') {
                    if ((end == word || s.charAt(end - 1) != '=') && end != afterScheme) {
                        break;
                    }
                    end = quotedPartEnd(end + 1);
                    continue;
                }
                end++;
                if (isAuthSchemeName(word, end)) {
                    end = skipValueGap(end);
                    afterScheme = end;
                }
            }
            if (end == word) {
                return -1;
            }
            keepUpTo(v).append(MASK);
            return resumeAt(end);
        }

        /** After the closing quote of a part that opened before {@code from}, or the line's end, whichever comes first. */
        private int quotedPartEnd(int from) {
            int j = from;
            while (j < n && s.charAt(j) != '"' && !isLineBreak(s.charAt(j))) {
                j += s.charAt(j) == '\\' && j + 1 < n && !isLineBreak(s.charAt(j + 1)) ? 2 : 1;
            }
            return j < n && s.charAt(j) == '"' ? j + 1 : j;
        }

        /** Past spaces, tabs and other control or bidi characters, but not a line break. */
        private int skipValueGap(int from) {
            int j = from;
            while (j < n && (s.charAt(j) == ' ' || (LogSafe.breaksValue(s.charAt(j)) && !isLineBreak(s.charAt(j))))) {
                j++;
            }
            return j;
        }

        private static boolean isLineBreak(char c) {
            return c == '\n' || c == '\r' || c == '\u000B' || c == '\u000C' || c == '\u0085' || c == '\u2028'
                    || c == '\u2029';
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
                    return LogSafe.breaksValue(c);
            }
        }

        // 13-19 digits, alone or in groups split by one space or dash, passing the Luhn check. One
        // kind of separator throughout: allowing both also masked one Luhn-valid pair of ranges in
        // ten ("ports 1000-2000 3000-4000", "2020-2021 2022-2023"); after a card's key name a mixed
        // number is masked whole all the same (see continuedValue).
        // Digits are read twice, once to check the shape and once for Luhn, rather than kept in an
        // array: most digit runs (status codes, dates) fail the shape check at the first group.
        private int cardNumber(int i) {
            int count = 0;
            int groups = 0;
            int groupLength = 0;
            boolean badGroup = false;
            char separator = 0;
            // Where the digits before a separator already formed a card: "4111111111111111 12/27" or
            // "4111 1111 1111 1111 2027" go on with more digits, and the card is what came before.
            int cardBeforeSeparator = -1;
            int j = i;
            while (j < n) {
                char c = s.charAt(j);
                if (isDigit(c)) {
                    if (count == MAX_CARD_DIGITS) {
                        int masked = cardBeforeSeparator > 0 ? maskCard(i, cardBeforeSeparator) : -1;
                        return masked >= 0 ? masked : skipDigitRunUpToLongGroup(i);
                    }
                    count++;
                    groupLength++;
                    j++;
                } else if (isCardGroupSeparator(c) && (separator == 0 || separator == c)
                        && j + 1 < n && isDigit(s.charAt(j + 1))) {
                    boolean cardSoFar = count >= MIN_CARD_DIGITS && !badGroup
                            && (groups == 0 || (groupLength >= 4 && groupLength <= 6));
                    if (cardSoFar && cardBeforeSeparator < 0 && luhn(i, j)) {
                        cardBeforeSeparator = j;
                    }
                    badGroup |= groupLength < 4 || groupLength > 6;
                    groups++;
                    groupLength = 0;
                    separator = c;
                    j++;
                } else {
                    break;
                }
            }
            if (count < MIN_CARD_DIGITS || badGroup || (groups > 0 && groupLength > 6)) {
                return cardBeforeSeparator > 0 ? maskCard(i, cardBeforeSeparator) : -1;
            }
            if (j < n) {
                char c = s.charAt(j);
                boolean decimal = j + 1 < n && isDigit(s.charAt(j + 1))
                        && (c == '.' || (c == ',' && separator != 0 && cardBeforeSeparator > 0));
                if (isAlnum(c) || c == '_' || decimal) {
                    // "4111 1111 1111 1111 12.50": the group ending in a decimal is not the card's; so
                    // with a decimal comma after a group that a card came before. Else a comma is no
                    // decimal: "4111111111111111,12,2027" is a CSV row or a list.
                    return cardBeforeSeparator > 0 ? maskCard(i, cardBeforeSeparator) : -1;
                }
            }
            if (!luhn(i, j)) {
                return cardBeforeSeparator > 0 ? maskCard(i, cardBeforeSeparator) : -1;
            }
            return maskCard(i, j);
        }

        /**
         * A space or dash, or the spaces a word processor or a French locale puts between groups:
         * no-break (U+00A0), narrow no-break (U+202F) and thin (U+2009) spaces (found by review).
         */
        private static boolean isCardGroupSeparator(char c) {
            return c == ' ' || c == '-' || c == '\u00A0' || c == '\u202F' || c == '\u2009';
        }

        /**
         * Writes the card number at {@code [i, j)} as its last four digits, or leaves it when no
         * card starts so: no issuer number starts with 0, and with 1 only UATP's 15 digits, while
         * millisecond timestamps (13 digits from 1) and many generated ids do (one in ten of them
         * passes Luhn).
         */
        private int maskCard(int i, int j) {
            char issuer = s.charAt(i);
            if (issuer == '0' || (issuer == '1' && digitsIn(i, j) != 15)) {
                return -1;
            }
            // The last four digits, which may straddle a separator.
            int lastFour = j;
            int digits = 0;
            while (digits < 4) {
                lastFour--;
                if (isDigit(s.charAt(lastFour))) {
                    digits++;
                }
            }
            keepUpTo(i).append("****-****-****-");
            for (int k = lastFour; k < j; k++) {
                if (isDigit(s.charAt(k))) {
                    out.append(s.charAt(k));
                }
            }
            return resumeAt(j);
        }

        private int digitsIn(int from, int to) {
            int digits = 0;
            for (int k = from; k < to; k++) {
                if (isDigit(s.charAt(k))) {
                    digits++;
                }
            }
            return digits;
        }

        /**
         * Where the scan goes on after a digit run too long for one card that starts at {@code i}:
         * at the first later group that is 13-19 digits by itself ("amount 1500 4111111111111111"),
         * which is looked at as a card of its own; else past the whole run, an id or a list of
         * numbers, in which no card is looked for (the Luhn check of every window of "ports 8080
         * 8081 …" would find one in ten).
         */
        private int skipDigitRunUpToLongGroup(int i) {
            int groupStart = i;
            int j = i;
            while (true) {
                while (j < n && isDigit(s.charAt(j))) {
                    j++;
                }
                int length = j - groupStart;
                if (groupStart > i && length >= MIN_CARD_DIGITS && length <= MAX_CARD_DIGITS) {
                    return groupStart;
                }
                if (j + 1 >= n || !isCardGroupSeparator(s.charAt(j)) || !isDigit(s.charAt(j + 1))) {
                    return j;
                }
                j++;
                groupStart = j;
            }
        }

        // The digits in [from, to), separators skipped, from the right.
        private boolean luhn(int from, int to) {
            int sum = 0;
            boolean twice = false;
            for (int k = to - 1; k >= from; k--) {
                char c = s.charAt(k);
                if (!isDigit(c)) {
                    continue;
                }
                int d = c - '0';
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

        // "Bearer <token>" and "Basic <credentials>", the scheme in any case (as HTTP reads it), then
        // spaces, tabs or other control and bidi characters ("Bearer\u200Eabc"). Basic only for what
        // basicCredentialsEnd takes for a credential: "Basic plan" and "basic authentication" are prose.
        private int authScheme(int i, int runEnd) {
            int length = runEnd - i;
            boolean bearer = length == 6 && equalsIgnoreCase(i, "bearer");
            boolean basic = length == 5 && equalsIgnoreCase(i, "basic");
            if (!bearer && !basic) {
                return -1;
            }
            int token = skipValueGap(runEnd);
            if (token == runEnd || isSchemeName(token)) {
                // "Bearer Basic dXNl…": the credential is the next scheme's, which masks it.
                return -1;
            }
            int end = token;
            int jwt = basic ? jwtEnd(token) : -1;
            if (jwt >= 0) {
                // A JWT sent as Basic: all of it (its header alone decodes to text with a colon).
                end = jwt;
            } else {
                // Base64 holds no control character: a Basic token ends at one (and going on over
                // them made a run of "Basic\u0001" quadratic); a Bearer token goes on through them.
                while (end < n && (isTokenChar(s.charAt(end), basic)
                        || (!basic && end > token && isInsideToken(s.charAt(end))))) {
                    end++;
                }
                if (end > token) {
                    end = basic ? dottedOn(basicCredentialsEnd(token, end)) : continuedValue(token, end);
                }
            }
            if (end <= token) {
                return -1;
            }
            keepUpTo(runEnd);
            keepEscapedUpTo(token).append(MASK);
            return resumeAt(end);
        }

        /**
         * A Basic credential that goes on with a dot and more token characters goes on over them:
         * base64 has no dot, but what follows may be the rest of a token (a JWT whose first segment
         * was read as the credential, which would otherwise leave its payload and signature).
         */
        private int dottedOn(int end) {
            int j = end;
            while (j > 0 && j + 1 < n && s.charAt(j) == '.' && isTokenChar(s.charAt(j + 1), true)) {
                j += 2;
                while (j < n && isTokenChar(s.charAt(j), true)) {
                    j++;
                }
            }
            return j;
        }

        /** A control or bidi character inside a token, which is part of it; not a tab or a line break. */
        private static boolean isInsideToken(char c) {
            return LogSafe.breaksValue(c) && c != '\t' && !isLineBreak(c);
        }

        /**
         * Where the credential after "Basic" at {@code [from, to)} ends, or -1 when the word is prose
         * ("Basic plan", "basic authentication", "Basic AuthenticationFilter", "Basic realm=x"):
         * base64 of {@code user:password} in either alphabet (the word, else its part before a
         * {@code -} or {@code _}, which then follows it), or a word that reads as a random token as an
         * API key's team check reads one (a raw key some clients send, base64 with its padding cut).
         */
        private int basicCredentialsEnd(int from, int to) {
            if (to - from < 4) {
                return -1;
            }
            if (isBase64Credentials(from, to)) {
                return to;
            }
            int cut = from;
            while (cut < to && s.charAt(cut) != '-' && s.charAt(cut) != '_') {
                cut++;
            }
            if (cut < to && cut - from >= 4 && isBase64Credentials(from, cut)) {
                return cut;
            }
            return ApiKeys.looksLikeToken(s.substring(from, to)) ? to : -1;
        }

        /**
         * Whether {@code [from, to)} is base64 of {@code user:password}: it decodes (as
         * {@link Base64.Decoder} would: padding optional, but right when present), and holds a colon.
         * Decoded in place, without an exception for what is not base64: a line of {@code "Basic ====- "}
         * cost two exceptions per 12 characters, 50 times a benign line's time (found by review).
         */
        private boolean isBase64Credentials(int from, int to) {
            int end = to;
            int padding = 0;
            while (end > from && padding < 2 && s.charAt(end - 1) == '=') {
                end--;
                padding++;
            }
            int data = end - from;
            if (padding > 0 ? (data + padding) % 4 != 0 : data % 4 == 1) {
                return false;
            }
            int bits = 0;
            int pending = 0;
            boolean colon = false;
            for (int k = from; k < end; k++) {
                int value = base64Value(s.charAt(k));
                if (value < 0) {
                    return false;
                }
                bits = (bits << 6) | value;
                pending += 6;
                if (pending >= 8) {
                    pending -= 8;
                    colon |= ((bits >> pending) & 0xFF) == ':';
                }
            }
            return colon;
        }

        /** A base64 character's value, in either alphabet or both mixed (URL-safe read as standard); else -1. */
        private static int base64Value(char c) {
            if (c >= 'A' && c <= 'Z') {
                return c - 'A';
            }
            if (c >= 'a' && c <= 'z') {
                return c - 'a' + 26;
            }
            if (c >= '0' && c <= '9') {
                return c - '0' + 52;
            }
            return c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
        }

        /** Whether the word at {@code i} is "Basic" or "Bearer" on its own. */
        private boolean isSchemeName(int i) {
            int end = wordEnd(i);
            int length = end - i;
            return (length == 5 && equalsIgnoreCase(i, "basic") || length == 6 && equalsIgnoreCase(i, "bearer"))
                    && (end == n || !isTokenChar(s.charAt(end), false));
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
            // Base64 in either alphabet: some clients send Basic credentials URL-safe.
            if (isAlnum(c) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_') {
                return true;
            }
            return !base64Only && (c == '.' || c == '~');
        }

        // Three base64url segments, the first one starting "eyJ" ({"): a JWT or JWS.
        private int jwt(int i) {
            int end = jwtEnd(i);
            if (end < 0) {
                return -1;
            }
            keepUpTo(i).append(MASK);
            return resumeAt(end);
        }

        /** The end of the JWT that starts at {@code i}, or -1. */
        private int jwtEnd(int i) {
            if (i + 3 > n || s.charAt(i) != 'e' || s.charAt(i + 1) != 'y' || s.charAt(i + 2) != 'J') {
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
            return base64UrlEnd(end2 + 1);
        }

        private int base64UrlEnd(int from) {
            int j = from;
            while (j < n && isBase64Url(s.charAt(j))) {
                j++;
            }
            return j;
        }

        // Known key prefixes followed by at least 16 random-looking characters; only the prefixes
        // starting with the word's first character are tried.
        private int prefixedSecret(int i, String[] prefixes) {
            for (String prefix : prefixes) {
                if (i + prefix.length() + MIN_PREFIXED_SECRET > n || !startsWith(i, prefix)) {
                    continue;
                }
                int start = i + prefix.length();
                int end = base64UrlEnd(start);
                if (end - start >= MIN_PREFIXED_SECRET && looksRandom(start, end)) {
                    keepUpTo(start).append(MASK);
                    return resumeAt(end);
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
            } else {
                at = indexOfPercent40(i, runEnd);
                if (at < 0) {
                    return -1;
                }
                domainStart = at + 3;
            }
            return maskEmail(i, at, domainStart);
        }

        /**
         * An address whose local part ends in a letter outside ASCII ({@code josé@example.com}): no
         * word ends at its '@' to start the rule there. -1 when none ends at {@code at}.
         */
        private int emailEndingInNonAscii(int at) {
            return maskEmail(at, at, at + 1);
        }

        /** Masks the address whose local part ends before {@code at} and includes {@code [i, at)}. */
        private int maskEmail(int i, int at, int domainStart) {
            int domainEnd = domainEnd(domainStart);
            if (domainEnd < 0) {
                return -1;
            }
            int start = localPartStart(i, at);
            if (start == at) {
                return -1;
            }
            // The first letter stays, whole: one outside the BMP is two chars.
            keepUpTo(start + Character.charCount(s.codePointAt(start))).append(MASK).append(s, at, domainEnd);
            return resumeAt(domainEnd);
        }

        /**
         * Where the local part that holds {@code [i, at)} starts: back over its letters, ASCII or not
         * ({@code müller}, {@code rené.dupont}: stopping at the first letter outside ASCII left the
         * start of the name in the log), and over words joined by an apostrophe ({@code o'connor}).
         * Only the apostrophe, common in names: the address's other specials ({@code | # ~ $}) are
         * field separators far more often, and walking over them erased the fields before an
         * address. Not into letters of another script: in a language written without spaces the
         * address follows the sentence directly ({@code 連絡先はtanaka@…}). Never more than an
         * address's local part can hold (64), nor into what is already written.
         */
        private int localPartStart(int i, int at) {
            localPartScript = null;
            for (int k = i; k < at && localPartScript == null; k++) {
                if (isAlnum(s.charAt(k)) && !isDigit(s.charAt(k))) {
                    localPartScript = Character.UnicodeScript.LATIN;
                }
            }
            int start = i;
            while (true) {
                int word = runStart(start);
                if (word == start && start - 2 >= copied && s.charAt(start - 1) == '\''
                        && runStart(start - 1) < start - 1) {
                    word = runStart(start - 1);
                }
                if (word == start) {
                    return start;
                }
                if (at - word > MAX_LOCAL_PART) {
                    // One run of letters longer than an address can be: its last 64 are masked all the same.
                    return start == at ? withinLimit(at) : start;
                }
                start = word;
            }
        }

        /** {@code at} less the longest local part, on a character's boundary. */
        private int withinLimit(int at) {
            int start = at - MAX_LOCAL_PART;
            return Character.isLowSurrogate(s.charAt(start)) ? start + 1 : start;
        }

        /**
         * The start of the run of local-part letters (ASCII word characters, letters and marks of
         * any script) ending at {@code end}, in the script of the letters nearer the {@code @}.
         */
        private int runStart(int end) {
            int j = end;
            while (j > copied) {
                char c = s.charAt(j - 1);
                int letter;
                if (isWord(c)) {
                    letter = c;
                } else if (c > 0x7F) {
                    letter = s.codePointBefore(j);
                    if (j - Character.charCount(letter) < copied || !isLocalPartLetter(letter)) {
                        return j;
                    }
                } else {
                    return j;
                }
                if (!inLocalPartScript(letter)) {
                    return j;
                }
                j -= Character.charCount(letter);
            }
            return j;
        }

        /** Whether {@code letter} may belong to the local part's script (digits, marks and signs to any). */
        private boolean inLocalPartScript(int letter) {
            Character.UnicodeScript script;
            if (letter < 0x80) {
                script = isAlnum((char) letter) && !isDigit((char) letter) ? Character.UnicodeScript.LATIN : null;
            } else {
                script = Character.UnicodeScript.of(letter);
                if (script == Character.UnicodeScript.HIRAGANA || script == Character.UnicodeScript.KATAKANA) {
                    // Japanese names mix kana and kanji.
                    script = Character.UnicodeScript.HAN;
                } else if (script == Character.UnicodeScript.COMMON || script == Character.UnicodeScript.INHERITED) {
                    script = null;
                }
            }
            if (script == null) {
                return true;
            }
            if (localPartScript == null) {
                localPartScript = script;
            }
            return script == localPartScript;
        }

        private static boolean isLocalPartLetter(int codePoint) {
            if (Character.isLetterOrDigit(codePoint)) {
                return true;
            }
            int type = Character.getType(codePoint);
            // A decomposed accent (e + U+0301) belongs to its letter.
            return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                    || type == Character.ENCLOSING_MARK;
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
                while (j < n && (isDomainLetterOrDigit(s.charAt(j)) || s.charAt(j) == '-')) {
                    j++;
                }
                if (j == start) {
                    break;
                }
                labels++;
                lastLabelStart = start;
                end = j;
                if (j + 1 < n && s.charAt(j) == '.' && isDomainLetterOrDigit(s.charAt(j + 1))) {
                    j++;
                } else {
                    break;
                }
            }
            if (labels < 2) {
                return -1;
            }
            // A top-level label is in one script: where it changes, the address has ended and a sentence
            // without spaces goes on ("tanaka@example.com宛に3件送信しました", found by review).
            boolean asciiLabel = s.charAt(lastLabelStart) <= 0x7F;
            for (int k = lastLabelStart; k < end; k++) {
                if ((s.charAt(k) <= 0x7F) != asciiLabel) {
                    end = k;
                    break;
                }
            }
            if (end - lastLabelStart < 2) {
                return -1;
            }
            for (int k = lastLabelStart; k < end; k++) {
                char c = s.charAt(k);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c > 0x7F && Character.isLetter(c)))) {
                    return -1;
                }
            }
            return end;
        }

        /** Internationalised domains ({@code bücher.de}, {@code пример.рф}) are written in letters of any script. */
        private static boolean isDomainLetterOrDigit(char c) {
            return isAlnum(c) || (c > 0x7F && Character.isLetterOrDigit(c));
        }
    }
}
