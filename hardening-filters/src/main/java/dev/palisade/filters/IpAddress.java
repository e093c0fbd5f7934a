package dev.palisade.filters;

import java.util.HexFormat;

/**
 * An IPv4 or IPv6 address parsed from its literal text, by hand. {@code InetAddress.getByName}
 * is never used: given anything that is not a literal it would resolve a host name, and a header
 * value must never make the server do a DNS lookup.
 *
 * <p>IPv4-mapped IPv6 addresses ({@code ::ffff:192.0.2.1}) are treated as the IPv4 address, so one
 * client has one identity whichever socket family the container reports.
 */
final class IpAddress {
    /** Prefix length that identifies one IPv6 client by default: an end site is given at least a whole /64. */
    static final int IPV6_CLIENT_PREFIX = 64;
    /** The shortest prefix a client may be keyed by: shorter is a provider's network, not a client's. */
    static final int MIN_IPV6_CLIENT_PREFIX = 32;
    /** The upper 64 bits of NAT64's well-known prefix {@code 64:ff9b::/96} (RFC 6052). */
    private static final long NAT64_HI = 0x0064_ff9b_0000_0000L;

    private final boolean v4;
    /** IPv6: the upper 64 bits. IPv4: 0. */
    private final long hi;
    /** IPv6: the lower 64 bits. IPv4: the address in the low 32 bits. */
    private final long lo;

    private IpAddress(boolean v4, long hi, long lo) {
        this.v4 = v4;
        this.hi = hi;
        this.lo = lo;
    }

    boolean isV4() {
        return v4;
    }

    long hi() {
        return hi;
    }

    long lo() {
        return lo;
    }

    /** Parses {@code text}; {@code null} when it is not an address literal. */
    static IpAddress parse(String text) {
        return text == null ? null : parse(text, 0, text.length());
    }

    /**
     * Parses the address in {@code text[from, to)}, trimming spaces and tabs. Also accepts the forms
     * proxies write into {@code X-Forwarded-For}: {@code [v6]}, {@code [v6]:port}, {@code v4:port}
     * and a zone suffix ({@code fe80::1%eth0}, dropped). {@code null} when it is not an address.
     */
    static IpAddress parse(CharSequence text, int from, int to) {
        while (from < to && isSpace(text.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(text.charAt(to - 1))) {
            to--;
        }
        if (to - from < 2 || to - from > 64) {
            return null;
        }
        if (text.charAt(from) == '[') {
            int close = Chars.indexOf(text, ']', from, to);
            if (close < 0 || (close + 1 < to && !isPort(text, close + 1, to))) {
                return null;
            }
            return parseV6(text, from + 1, stripZone(text, from + 1, close));
        }
        int colons = 0;
        int lastColon = -1;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == ':') {
                colons++;
                lastColon = i;
            }
        }
        if (colons == 0) {
            return v4OrNull(parseV4(text, from, to));
        }
        if (colons == 1) {
            // IPv4 with a port, as some proxies append it; a bare IPv6 literal has at least two colons.
            return isPort(text, lastColon, to) ? v4OrNull(parseV4(text, from, lastColon)) : null;
        }
        return parseV6(text, from, stripZone(text, from, to));
    }

    /**
     * The rate-limit key of the client at {@code text}: the canonical IPv4 address, or the IPv6
     * {@value #IPV6_CLIENT_PREFIX}-bit prefix in RFC 5952 form ({@code 2001:db8:1:2::/64}), so one
     * end site cannot mint fresh identities from its own /64 ({@link #clientKey(String, int)} for
     * a shorter network). A canonical IPv4 string is returned
     * as is, without allocating. Text that is not an address (a container reporting something
     * unusual) is its own key, shortened.
     */
    static String clientKey(String text) {
        return clientKey(text, IPV6_CLIENT_PREFIX);
    }

    /** {@link #clientKey(String)} with IPv6 clients keyed by their {@code v6Prefix}-bit network (32-64). */
    static String clientKey(String text, int v6Prefix) {
        if (text == null) {
            return "unknown";
        }
        if (isCanonicalV4(text)) {
            return text;
        }
        IpAddress address = parse(text);
        if (address == null) {
            return text.length() <= 64 ? text : text.substring(0, 64);
        }
        return address.clientKey(v6Prefix);
    }

    /** See {@link #clientKey(String)}. */
    String clientKey() {
        return clientKey(IPV6_CLIENT_PREFIX);
    }

    /** See {@link #clientKey(String, int)}. */
    String clientKey(int v6Prefix) {
        if (v4) {
            return toString();
        }
        if (hi == NAT64_HI && (lo >>> 32) == 0) {
            // Behind NAT64 every IPv4 client arrives in 64:ff9b::/96: keyed by its /64, all of
            // them would share one bucket. The IPv4 address in the low 32 bits is the client.
            return new IpAddress(true, 0, lo).toString();
        }
        return formatV6(hi & (-1L << (64 - v6Prefix)), 0) + "/" + v6Prefix;
    }

    /** Canonical text: dotted quad, or RFC 5952 for IPv6 (lower case, longest zero run compressed). */
    @Override
    public String toString() {
        if (v4) {
            int a = (int) lo;
            return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
        }
        return formatV6(hi, lo);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpAddress that && that.v4 == v4 && that.hi == hi && that.lo == lo;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi * 31 + lo) ^ (v4 ? 1 : 0);
    }

    private static IpAddress v4OrNull(long v4) {
        return v4 < 0 ? null : new IpAddress(true, 0, v4);
    }

    /** The IPv4 address in the low 32 bits, or -1. Leading zeros are refused: some stacks read them as octal. */
    static long parseV4(CharSequence text, int from, int to) {
        long value = 0;
        int octets = 0;
        int i = from;
        while (octets < 4) {
            int start = i;
            int octet = 0;
            while (i < to && i - start < 3 && isDigit(text.charAt(i))) {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            value = (value << 8) | octet;
            octets++;
            if (octets < 4) {
                if (i >= to || text.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == to ? value : -1;
    }

    private static IpAddress parseV6(CharSequence text, int from, int to) {
        if (to - from < 2) {
            return null;
        }
        int[] groups = new int[8];
        int count = 0;
        int compressAt = -1;
        int i = from;
        if (text.charAt(i) == ':') {
            if (text.charAt(i + 1) != ':') {
                return null;
            }
            compressAt = 0;
            i += 2;
        }
        while (i < to) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int group = 0;
            while (i < to && i - start < 4 && hex(text.charAt(i)) >= 0) {
                group = (group << 4) | hex(text.charAt(i));
                i++;
            }
            if (i < to && text.charAt(i) == '.') {
                // Embedded IPv4 in the last 32 bits (::ffff:192.0.2.1, 64:ff9b::192.0.2.1).
                long v4 = count <= 6 ? parseV4(text, start, to) : -1;
                if (v4 < 0) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xFFFF);
                break;
            }
            if (i == start) {
                return null;
            }
            groups[count++] = group;
            if (i == to) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < to && text.charAt(i) == ':') {
                if (compressAt >= 0) {
                    return null;
                }
                compressAt = count;
                i++;
            } else if (i == to) {
                return null;
            }
        }
        if (compressAt >= 0) {
            if (count == 8) {
                return null;
            }
            int tail = count - compressAt;
            System.arraycopy(groups, compressAt, groups, 8 - tail, tail);
            for (int g = compressAt; g < 8 - tail; g++) {
                groups[g] = 0;
            }
        } else if (count != 8) {
            return null;
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | groups[g];
            lo = (lo << 16) | groups[g + 4];
        }
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
            return new IpAddress(true, 0, lo & 0xFFFF_FFFFL);
        }
        return new IpAddress(false, hi, lo);
    }

    private static String formatV6(long hi, long lo) {
        int[] groups = new int[8];
        for (int g = 0; g < 4; g++) {
            groups[g] = (int) (hi >>> (48 - 16 * g)) & 0xFFFF;
            groups[g + 4] = (int) (lo >>> (48 - 16 * g)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && groups[g] == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        StringBuilder out = new StringBuilder(41);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                out.append("::");
                g += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[g]));
        }
        return out.toString();
    }

    private static boolean isCanonicalV4(String text) {
        int n = text.length();
        if (n < 7 || n > 15) {
            return false;
        }
        int dots = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!isDigit(c)) {
                return false;
            }
        }
        return dots == 3 && parseV4(text, 0, n) >= 0;
    }

    private static int stripZone(CharSequence text, int from, int to) {
        int zone = Chars.indexOf(text, '%', from, to);
        return zone < 0 ? to : zone;
    }

    private static boolean isPort(CharSequence text, int colon, int to) {
        if (text.charAt(colon) != ':' || to - colon < 2 || to - colon > 6) {
            return false;
        }
        for (int i = colon + 1; i < to; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static int hex(char c) {
        return HexFormat.isHexDigit(c) ? HexFormat.fromHexDigit(c) : -1;
    }
}
