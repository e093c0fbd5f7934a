package dev.palisade.filters;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * Ready-made {@link ClientResolver}s. Keys are normalised addresses: IPv4 as a dotted quad, IPv6
 * as its /64 network in RFC 5952 form ({@code 2001:db8:1:2::/64}), because one IPv6 end site
 * holds at least a whole /64 and could otherwise mint a fresh identity, and a fresh bucket, per
 * request; or as a shorter network (32 to 64 bits) where the variants taking {@code ipv6Prefix} say so.
 */
public final class ClientResolvers {
    /** The header walked by {@link #forwardedFor(List)}. */
    public static final String X_FORWARDED_FOR = "X-Forwarded-For";

    /** Bounds the work per request however long a header an attacker sends. */
    static final int MAX_HOPS = 32;

    /** Marks "an entry was not an address": the caller falls back to the peer. */
    private static final IpAddress GARBAGE = IpAddress.parse("0.0.0.0");

    private static final ClientResolver REMOTE_ADDRESS = request -> IpAddress.clientKey(request.getRemoteAddr());

    private ClientResolvers() {
    }

    /** The TCP peer. Right when clients connect directly; behind a proxy every client is the proxy. */
    public static ClientResolver remoteAddress() {
        return REMOTE_ADDRESS;
    }

    /** {@link #remoteAddress()}, an IPv6 client keyed by its {@code ipv6Prefix}-bit network (32-64). */
    public static ClientResolver remoteAddress(int ipv6Prefix) {
        int prefix = checkedPrefix(ipv6Prefix);
        return prefix == IpAddress.IPV6_CLIENT_PREFIX ? REMOTE_ADDRESS
                : request -> IpAddress.clientKey(request.getRemoteAddr(), prefix);
    }

    static int checkedPrefix(int ipv6Prefix) {
        if (ipv6Prefix < IpAddress.MIN_IPV6_CLIENT_PREFIX || ipv6Prefix > IpAddress.IPV6_CLIENT_PREFIX) {
            throw InvalidSettingException.badValue("ipv6Prefix", Integer.toString(ipv6Prefix),
                    "a prefix length from " + IpAddress.MIN_IPV6_CLIENT_PREFIX + " to " + IpAddress.IPV6_CLIENT_PREFIX);
        }
        return ipv6Prefix;
    }

    /**
     * The client as reported by trusted proxies. {@code X-Forwarded-For} is read only when the peer
     * is inside {@code trustedProxies}; otherwise the peer is the client, whatever the header says.
     * The header (several headers are joined in order) is walked from the RIGHT: each trusted hop
     * appended the address it received from, so the right-most address that is not a trusted proxy
     * is the first one no proxy of ours vouches for, and that is the client. The left-most entry is
     * whatever the client chose to send and is never used unless every hop is trusted. An entry that
     * is not an address literal makes the header untrustworthy: the peer is used instead.
     *
     * <p>With no trusted proxies this is {@link #remoteAddress()}.
     */
    public static ClientResolver forwardedFor(List<Cidr> trustedProxies) {
        return forwardedFor(trustedProxies, IpAddress.IPV6_CLIENT_PREFIX);
    }

    /**
     * {@link #forwardedFor(List)}, an IPv6 client keyed by its {@code ipv6Prefix}-bit network (32-64).
     *
     * @throws InvalidSettingException for a proxy network that covers every address ({@code 0.0.0.0/0},
     *         {@code ::/0}): every client could choose the address it is limited as
     */
    public static ClientResolver forwardedFor(List<Cidr> trustedProxies, int ipv6Prefix) {
        List<Cidr> trusted = requireProxyNetworks(trustedProxies);
        int prefix = checkedPrefix(ipv6Prefix);
        if (trusted.isEmpty()) {
            return remoteAddress(prefix);
        }
        return request -> resolveForwarded(request, trusted, prefix);
    }

    /**
     * The trusted proxies, refused when one network covers every address: every peer a proxy, any
     * client writes {@code X-Forwarded-For} and picks its own bucket.
     */
    static List<Cidr> requireProxyNetworks(List<Cidr> trustedProxies) {
        List<Cidr> trusted = List.copyOf(trustedProxies);
        for (Cidr proxy : trusted) {
            if (proxy.coversEverything()) {
                throw InvalidSettingException.badValue("trustedProxies", proxy.toString(),
                        "the proxies' networks, not every address: any client could choose the address it is limited as");
            }
        }
        return trusted;
    }

    private static String resolveForwarded(HttpServletRequest request, List<Cidr> trusted, int v6Prefix) {
        String peer = request.getRemoteAddr();
        IpAddress peerAddress = IpAddress.parse(peer);
        if (!Cidr.anyContains(trusted, peerAddress)) {
            return IpAddress.clientKey(peer, v6Prefix);
        }
        Enumeration<String> headers = request.getHeaders(X_FORWARDED_FOR);
        if (headers == null || !headers.hasMoreElements()) {
            return IpAddress.clientKey(peer, v6Prefix);
        }
        String first = headers.nextElement();
        IpAddress client;
        if (!headers.hasMoreElements()) {
            client = walk(first, trusted, new int[1], null);
        } else {
            List<String> all = new ArrayList<>(4);
            all.add(first);
            while (headers.hasMoreElements()) {
                all.add(headers.nextElement());
            }
            client = walkAll(all, trusted);
        }
        return client == null || client == GARBAGE ? IpAddress.clientKey(peer, v6Prefix) : client.clientKey(v6Prefix);
    }

    private static IpAddress walkAll(List<String> headers, List<Cidr> trusted) {
        int[] hops = new int[1];
        IpAddress leftMostTrusted = null;
        for (int h = headers.size() - 1; h >= 0; h--) {
            IpAddress found = walk(headers.get(h), trusted, hops, leftMostTrusted);
            if (found == GARBAGE) {
                return GARBAGE;
            }
            if (found != null && !Cidr.anyContains(trusted, found)) {
                return found;
            }
            leftMostTrusted = found;
            if (hops[0] >= MAX_HOPS) {
                break;
            }
        }
        return leftMostTrusted;
    }

    /**
     * Walks one header value from the right. Returns the first untrusted address, {@link #GARBAGE},
     * or the left-most trusted address seen so far (when every entry was trusted).
     */
    private static IpAddress walk(String value, List<Cidr> trusted, int[] hops, IpAddress leftMostSoFar) {
        IpAddress leftMostTrusted = leftMostSoFar;
        int end = value.length();
        while (end >= 0 && hops[0] < MAX_HOPS) {
            int comma = value.lastIndexOf(',', end - 1);
            IpAddress hop = IpAddress.parse(value, comma + 1, end);
            if (hop == null) {
                return GARBAGE;
            }
            hops[0]++;
            if (!Cidr.anyContains(trusted, hop)) {
                return hop;
            }
            leftMostTrusted = hop;
            if (comma < 0) {
                break;
            }
            end = comma;
        }
        return leftMostTrusted;
    }
}
