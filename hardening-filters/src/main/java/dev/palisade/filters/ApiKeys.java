package dev.palisade.filters;


import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The configured API keys: for each, the SHA-256 digest of its token, its team and its roles.
 * Only digests are kept in memory, whether the operator configured the token itself or
 * {@code sha256:<hex>} of it.
 *
 * <p>Text form (init-param {@code keys}, env {@code API_KEYS}): a comma list of
 * {@code TOKEN@TEAM:ROLE[+ROLE]}, TOKEN being the token (RFC 6750 {@code b64token} characters,
 * at least {@value #MIN_TOKEN_LENGTH} long) or {@code sha256:} and its 64-hex-digit digest.
 * Parsing is strict: a malformed entry fails with a message naming the setting, the entry's
 * position and what is wrong, and never any part of the token. No exception from a JDK parser
 * is used on token text, because their messages quote the input.
 *
 * <p><b>Lookup and timing.</b> {@link #authenticate} hashes the presented token and compares the
 * digest with every configured digest using {@link MessageDigest#isEqual} (constant time for
 * equal lengths), without stopping at the first match, so the response time depends neither on
 * how many leading bytes match nor on the matching key's position. Comparing digests rather than
 * tokens also means the time taken never depends on the secret's length. (A map keyed by digest
 * would be about as safe — an attacker cannot aim at the unknown digest of an unknown token — but
 * with the handful of keys a service has, the full scan costs nothing and needs no argument.)
 */
public final class ApiKeys {
    /** Shortest plain token accepted; shorter ones are guessable and fail the deployment. */
    public static final int MIN_TOKEN_LENGTH = 16;
    /** Longest token {@link #authenticate} will hash; real tokens are far shorter. */
    static final int MAX_TOKEN_LENGTH = 1024;
    static final String SHA256_PREFIX = "sha256:";
    /** Words with a meaning in access rules; a role cannot be called that. */
    static final Set<String> RESERVED_ROLES = Set.of("public", "authenticated");

    static final Pattern TEAM = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** A team with this many letters and digits in a row, often mixed, is taken for a misplaced token. */
    static final int TOKEN_LIKE_RUN = 16;
    static final int TOKEN_LIKE_CHANGES_PERCENT = 35;
    static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final String FORMAT = "entries are TOKEN@TEAM:ROLE[+ROLE], TOKEN being the token itself "
            + "or sha256:<64 hex digits>; the value is not shown because it holds secrets";
    private static final ApiKeys NONE = new ApiKeys(new Entry[0]);
    private static final MessageDigest SHA256_PROTOTYPE = newSha256();
    /**
     * MessageDigest is not thread-safe. One per thread rather than a clone per request: cloning
     * copies the digest's state and cost a pooled request thread about half as much as hashing a
     * short token. A thread's first one is a clone of the prototype, which skips the provider
     * lookup, so a thread per request (virtual threads) pays no more than it would for a clone.
     */
    private static final ThreadLocal<MessageDigest> SHA256_PER_THREAD = ThreadLocal.withInitial(ApiKeys::cloneSha256);
    private static final boolean[] B64TOKEN_CHARS = b64TokenChars();

    private final Entry[] entries;

    private ApiKeys(Entry[] entries) {
        this.entries = entries;
    }

    /** No keys: every request that needs one is refused. */
    public static ApiKeys none() {
        return NONE;
    }

    /**
     * Parses the text form. {@code key} is the init-param or environment variable it came from,
     * for error messages. Blank items (a trailing comma) are allowed; positions count every
     * comma-separated item from 1.
     */
    public static ApiKeys parse(String key, String text) {
        Builder builder = new Builder(key);
        if (text == null) {
            return builder.build();
        }
        String[] items = text.split(",", -1);
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim();
            if (!item.isEmpty()) {
                builder.addEntry(i + 1, item);
            }
        }
        return builder.build();
    }

    /**
     * The principal of the key whose token is {@code token}, or empty. Runs in time independent
     * of which key (if any) matches.
     */
    public Optional<ApiKeyPrincipal> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        byte[] presented = sha256(token);
        ApiKeyPrincipal found = null;
        for (Entry entry : entries) {
            // No early exit: every digest is compared whatever the outcome.
            if (MessageDigest.isEqual(entry.digest, presented)) {
                found = entry.principal;
            }
        }
        return Optional.ofNullable(found);
    }

    /** How many keys are configured. */
    public int size() {
        return entries.length;
    }

    /** The teams that have keys, sorted; not secret, useful for the start-up log line. */
    public Set<String> teams() {
        Set<String> teams = new TreeSet<>();
        for (Entry entry : entries) {
            teams.add(entry.principal.team());
        }
        return teams;
    }

    /** The roles the keys carry, sorted; not secret, for checking them against an application's own. */
    public Set<String> roles() {
        Set<String> roles = new TreeSet<>();
        for (Entry entry : entries) {
            roles.addAll(entry.principal.roles());
        }
        return roles;
    }

    /**
     * Equal when both accept the same tokens as the same principals, in any order: configurations
     * are records, and one read twice from the same {@code API_KEYS} must compare equal.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKeys other && asSet().equals(other.asSet());
    }

    @Override
    public int hashCode() {
        return asSet().hashCode();
    }

    private Set<Map.Entry<String, ApiKeyPrincipal>> asSet() {
        Set<Map.Entry<String, ApiKeyPrincipal>> set = new HashSet<>();
        for (Entry entry : entries) {
            set.add(Map.entry(HexFormat.of().formatHex(entry.digest), entry.principal));
        }
        return set;
    }

    /** Never shows tokens or digests. */
    @Override
    public String toString() {
        return "ApiKeys[" + entries.length + " keys, teams " + teams() + "]";
    }

    static byte[] sha256(String token) {
        // digest() resets the instance, so each thread's one is ready for its next request.
        return SHA256_PER_THREAD.get().digest(token.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 6750 {@code b64token}: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    static boolean isBearerToken(String token) {
        int n = token.length();
        int end = n;
        while (end > 0 && token.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = token.charAt(i);
            // One table lookup per character: this runs on every authenticated request.
            if (c >= B64TOKEN_CHARS.length || !B64TOKEN_CHARS[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean[] b64TokenChars() {
        boolean[] table = new boolean[128];
        for (char c = 'a'; c <= 'z'; c++) {
            table[c] = true;
            table[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            table[c] = true;
        }
        for (char c : "-._~+/".toCharArray()) {
            table[c] = true;
        }
        return table;
    }

    private static MessageDigest cloneSha256() {
        try {
            return (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform must provide SHA-256", e);
        }
    }

    /**
     * Collects keys one by one, with the same checks as the text form. {@code position} is
     * what error messages call the entry (its place in the list).
     */
    static final class Builder {
        private final String key;
        private final List<Entry> entries = new ArrayList<>();

        Builder(String key) {
            this.key = key;
        }

        /** One {@code TOKEN@TEAM:ROLE[+ROLE]} entry of the text form. */
        Builder addEntry(int position, String entry) {
            int at = entry.lastIndexOf('@');
            if (at < 0) {
                throw problem(position, "no '@' (expected TOKEN@TEAM:ROLE[+ROLE])");
            }
            String teamAndRoles = entry.substring(at + 1);
            int colon = teamAndRoles.indexOf(':');
            if (colon < 0) {
                throw problem(position, "no ':ROLE' after the team (expected TOKEN@TEAM:ROLE[+ROLE])");
            }
            String team = teamAndRoles.substring(0, colon);
            String rolesText = teamAndRoles.substring(colon + 1);
            List<String> roles = rolesText.isEmpty() ? List.of() : Arrays.asList(rolesText.split("\\+", -1));
            return add(position, entry.substring(0, at), team, roles);
        }

        /** One key: {@code tokenSpec} is the token or {@code sha256:<hex>}. */
        Builder add(int position, String tokenSpec, String team, List<String> roles) {
            if (team == null || !TEAM.matcher(team).matches()) {
                throw problem(position, "the team is not 1-64 characters of A-Z a-z 0-9 . _ -");
            }
            if (looksLikeToken(team)) {
                // Most likely TEAM@TOKEN: started that way, the team's name would be the key, and
                // the secret would be logged as a team name and returned by getRemoteUser().
                throw problem(position, "the team looks like a token (" + TOKEN_LIKE_RUN
                        + " or more letters and digits in a row, of mixed kinds); is the entry written TEAM@TOKEN?"
                        + " (a team is a name, such as team-a)");
            }
            Set<String> roleSet = roles(position, roles);
            byte[] digest = digest(position, tokenSpec);
            for (int i = 0; i < entries.size(); i++) {
                if (Arrays.equals(entries.get(i).digest, digest)) {
                    throw problem(position, "the same token as entry " + entries.get(i).position
                            + " (every key must be distinct)");
                }
            }
            entries.add(new Entry(position, digest, new ApiKeyPrincipal(team, roleSet)));
            return this;
        }

        ApiKeys build() {
            return entries.isEmpty() ? NONE : new ApiKeys(entries.toArray(new Entry[0]));
        }

        private Set<String> roles(int position, List<String> roles) {
            if (roles == null || roles.isEmpty()) {
                throw problem(position, "no role after ':' (expected ROLE[+ROLE], such as manager+system)");
            }
            Set<String> set = new LinkedHashSet<>();
            for (int i = 0; i < roles.size(); i++) {
                String role = roles.get(i);
                String which = "role " + (i + 1);
                if (role == null || !ROLE.matcher(role).matches()) {
                    throw problem(position, which + " is not a word of a-z 0-9 _ - starting with a letter");
                }
                if (RESERVED_ROLES.contains(role)) {
                    throw problem(position, which + " is \"" + role + "\", a reserved word in access rules");
                }
                if (!set.add(role)) {
                    throw problem(position, which + " repeats \"" + role + "\"");
                }
            }
            return set;
        }

        private byte[] digest(int position, String tokenSpec) {
            if (tokenSpec == null || tokenSpec.isEmpty()) {
                throw problem(position, "the token is empty");
            }
            if (tokenSpec.regionMatches(true, 0, SHA256_PREFIX, 0, SHA256_PREFIX.length())) {
                byte[] digest = hex(tokenSpec.substring(SHA256_PREFIX.length()));
                if (digest == null) {
                    throw problem(position, "the sha256: digest is not 64 hex digits");
                }
                return digest;
            }
            if (tokenSpec.indexOf(':') >= 0) {
                throw problem(position, "the token has an unknown format "
                        + "(expected the token itself or sha256:<64 hex digits>)");
            }
            if (!isBearerToken(tokenSpec)) {
                throw problem(position, "the token has characters a bearer token cannot carry "
                        + "(allowed: A-Z a-z 0-9 - . _ ~ + / and trailing =)");
            }
            if (tokenSpec.length() > MAX_TOKEN_LENGTH) {
                // No request could present it: authenticate() refuses a longer token unhashed.
                throw problem(position, "the token is longer than " + MAX_TOKEN_LENGTH + " characters");
            }
            if (tokenSpec.length() < MIN_TOKEN_LENGTH) {
                throw problem(position, "the token is shorter than " + MIN_TOKEN_LENGTH
                        + " characters (use a long random one, such as the output of: openssl rand -hex 32)");
            }
            if (!mixesKinds(tokenSpec)) {
                // A name, not a random key ("customer-success-emea"): guessable, and most likely a
                // team written where the token goes (TEAM@TOKEN), which would log the secret as a team.
                throw problem(position, "the token has letters of one case only and no digits, or only digits, "
                        + "as a name has (use a random one, such as the output of: openssl rand -hex 32; "
                        + "is the entry written TEAM@TOKEN?)");
            }
            return sha256(tokenSpec);
        }

        // Only the entry's position: any part of an entry may be a secret typed in the wrong place.
        private InvalidSettingException problem(int position, String what) {
            return new InvalidSettingException(key,
                    "Invalid value for " + key + ": entry " + position + ": " + what + "; " + FORMAT);
        }
    }

    /** Whether {@code token} has at least two of lower-case letters, upper-case letters and digits, as random keys do. */
    static boolean mixesKinds(String token) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
            digit |= c >= '0' && c <= '9';
        }
        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) >= 2;
    }

    /**
     * Whether {@code team} holds a run of {@value #TOKEN_LIKE_RUN} or more letters and digits
     * ({@code -} and {@code _} inside it skipped, as base64url and UUIDs use them) whose character
     * kind (lower case, upper case, digit) changes at least every third character or so, as in
     * random tokens. Names change kind seldom ({@code Marketing2025Europe}, {@code acme2024q3emea2025},
     * {@code CustomerSuccessEmeaNorth2025}). Also a run that is all hexadecimal, letters and digits
     * both ({@code openssl rand -hex}, UUIDs), however seldom its kind changes: names are not. A
     * heuristic: by simulation it misses under 1% of random base64 tokens.
     */
    static boolean looksLikeToken(String team) {
        int run = 0;
        int changes = 0;
        int previous = 0; // 0 none, 1 lower, 2 upper, 3 digit
        boolean hex = true;
        boolean hexLetter = false;
        boolean digit = false;
        for (int i = 0; i <= team.length(); i++) {
            char c = i < team.length() ? team.charAt(i) : '.';
            if (c == '-' || c == '_') {
                continue;
            }
            int kind = c >= 'a' && c <= 'z' ? 1 : c >= 'A' && c <= 'Z' ? 2 : c >= '0' && c <= '9' ? 3 : 0;
            if (kind == 0) {
                if (run >= TOKEN_LIKE_RUN && (changes * 100 >= TOKEN_LIKE_CHANGES_PERCENT * (run - 1)
                        || (hex && hexLetter && digit))) {
                    return true;
                }
                run = 0;
                changes = 0;
                hex = true;
                hexLetter = false;
                digit = false;
            } else {
                run++;
                if (previous != 0 && kind != previous) {
                    changes++;
                }
                boolean hexDigitLetter = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                hex &= kind == 3 || hexDigitLetter;
                hexLetter |= hexDigitLetter;
                digit |= kind == 3;
            }
            previous = kind;
        }
        return false;
    }

    /** 64 hex digits as 32 bytes, or {@code null}; hand-written so no parser quotes the text. */
    private static byte[] hex(String text) {
        if (text.length() != 64) {
            return null;
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            int hi = hexValue(text.charAt(2 * i));
            int lo = hexValue(text.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    private static int hexValue(char c) {
        return HexFormat.isHexDigit(c) ? HexFormat.fromHexDigit(c) : -1;
    }

    private static final class Entry {
        final int position;
        final byte[] digest;
        final ApiKeyPrincipal principal;

        Entry(int position, byte[] digest, ApiKeyPrincipal principal) {
            this.position = position;
            this.digest = digest;
            this.principal = principal;
        }
    }
}
