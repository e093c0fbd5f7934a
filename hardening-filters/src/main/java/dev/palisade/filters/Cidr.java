package dev.palisade.filters;

import java.util.ArrayList;
import java.util.List;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is
 * a single-host network. Parsed once from configuration; {@link #contains} is a couple of mask
 * operations, with no parsing, regex or DNS lookup per request.
 *
 * <p>Host bits must be zero ({@code 10.0.0.1/8} is refused): a trusted-proxy list is security
 * configuration, and a typo there should stop the deployment rather than trust a network nobody
 * meant.
 */
public final class Cidr {
    private static final String EXPECTED = "a CIDR such as 10.0.0.0/8 or 2001:db8::/32, or a single IP address";

    private final boolean v4;
    private final long networkHi;
    private final long networkLo;
    private final long maskHi;
    private final long maskLo;
    private final int prefixLength;

    private Cidr(boolean v4, long networkHi, long networkLo, long maskHi, long maskLo, int prefixLength) {
        this.v4 = v4;
        this.networkHi = networkHi;
        this.networkLo = networkLo;
        this.maskHi = maskHi;
        this.maskLo = maskLo;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code text} ({@code address/prefix} or a bare address literal).
     *
     * @throws IllegalArgumentException when it is not a CIDR of an address literal
     */
    public static Cidr parse(String text) {
        Cidr cidr = parseOrNull(text);
        if (cidr == null) {
            throw new IllegalArgumentException("Not a CIDR: \"" + LogSafe.escape(text) + "\" (expected " + EXPECTED + ")");
        }
        return cidr;
    }

    /** Parses each item of a configuration list; a bad item fails naming {@code key} and the item. */
    static List<Cidr> parseAll(String key, List<String> items) {
        List<Cidr> out = new ArrayList<>(items.size());
        for (String item : items) {
            Cidr cidr = parseOrNull(item);
            if (cidr == null) {
                throw InvalidSettingException.badValue(key, item, EXPECTED + ", host bits zero");
            }
            out.add(cidr);
        }
        return List.copyOf(out);
    }

    private static Cidr parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (addressText.indexOf('[') >= 0 || addressText.indexOf('%') >= 0
                || (addressText.indexOf(':') == addressText.lastIndexOf(':') && addressText.indexOf(':') >= 0)) {
            return null; // brackets, zones and ports are header forms, not configuration
        }
        IpAddress address = IpAddress.parse(addressText);
        if (address == null) {
            return null;
        }
        boolean mappedV6 = address.isV4() && addressText.indexOf(':') >= 0;
        int max = address.isV4() && !mappedV6 ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            String bits = trimmed.substring(slash + 1);
            if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            prefix = Integer.parseInt(bits);
            if (prefix > max) {
                return null;
            }
        }
        if (mappedV6) {
            // ::ffff:a.b.c.d/n covers IPv4 addresses, which is how this class stores them.
            if (prefix < 96) {
                return null;
            }
            prefix -= 96;
        }
        long maskHi;
        long maskLo;
        if (address.isV4()) {
            maskHi = 0;
            maskLo = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
        } else {
            maskHi = prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
            maskLo = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
        }
        if ((address.hi() & ~maskHi) != 0 || (address.lo() & ~maskLo) != 0) {
            return null;
        }
        return new Cidr(address.isV4(), address.hi(), address.lo(), maskHi, maskLo, prefix);
    }

    /** Whether this is {@code 0.0.0.0/0} or {@code ::/0}: every address of its family. */
    boolean coversEverything() {
        return prefixLength == 0;
    }

    /** Whether {@code address} is inside this network; an IPv4 network never contains an IPv6 address. */
    boolean contains(IpAddress address) {
        return address != null && address.isV4() == v4
                && (address.hi() & maskHi) == networkHi && (address.lo() & maskLo) == networkLo;
    }

    /** Whether the address literal {@code address} is inside this network ({@code false} for non-literals). */
    public boolean contains(String address) {
        return contains(IpAddress.parse(address));
    }

    static boolean anyContains(List<Cidr> networks, IpAddress address) {
        for (int i = 0, n = networks.size(); i < n; i++) {
            if (networks.get(i).contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        IpAddress network = v4 ? IpAddress.parse(ipv4Text()) : IpAddress.parse(v6Text());
        return network + "/" + prefixLength;
    }

    private String ipv4Text() {
        int a = (int) networkLo;
        return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    private String v6Text() {
        StringBuilder out = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            long half = g < 4 ? networkHi : networkLo;
            if (g > 0) {
                out.append(':');
            }
            out.append(Integer.toHexString((int) (half >>> (48 - 16 * (g % 4))) & 0xFFFF));
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && that.v4 == v4 && that.networkHi == networkHi
                && that.networkLo == networkLo && that.prefixLength == prefixLength;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(networkHi * 31 + networkLo) * 31 + prefixLength;
    }
}
