package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientResolversTest {
    private static final ClientResolver BEHIND_PROXIES =
            ClientResolvers.forwardedFor(Cidr.parseAll("t", List.of("10.0.0.0/8", "2001:db8:ffff::/48")));

    @Test
    void takesTheRightMostUntrustedAddressNeverTheLeftMost() {
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "6.6.6.6, 203.0.113.7, 10.1.1.1")))
                .isEqualTo("203.0.113.7");
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "203.0.113.7"))).isEqualTo("203.0.113.7");
    }

    @Test
    void ignoresTheHeaderWhenThePeerIsNotTrusted() {
        assertThat(BEHIND_PROXIES.resolve(request("198.51.100.1", "203.0.113.7"))).isEqualTo("198.51.100.1");
        assertThat(ClientResolvers.remoteAddress().resolve(request("198.51.100.1", "203.0.113.7")))
                .isEqualTo("198.51.100.1");
        assertThat(ClientResolvers.forwardedFor(List.of()).resolve(request("10.0.0.5", "203.0.113.7")))
                .isEqualTo("10.0.0.5");
    }

    @Test
    void keysAnIpv6ClientByItsNetworkOfTheGivenLength() {
        assertThat(ClientResolvers.remoteAddress().resolve(request("2001:db8:1:2::7"))).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientResolvers.remoteAddress(48).resolve(request("2001:db8:1:2::7"))).isEqualTo("2001:db8:1::/48");
        assertThat(ClientResolvers.remoteAddress(56).resolve(request("2001:db8:1:2ff::7"))).isEqualTo("2001:db8:1:200::/56");
        assertThat(ClientResolvers.remoteAddress(32).resolve(request("2001:db8:1:2::7"))).isEqualTo("2001:db8::/32");
        assertThat(ClientResolvers.forwardedFor(Cidr.parseAll("t", List.of("10.0.0.0/8")), 48)
                .resolve(request("10.0.0.5", "2001:db8:1:ff00::9"))).isEqualTo("2001:db8:1::/48");
        assertThat(ClientResolvers.remoteAddress(48).resolve(request("203.0.113.7"))).isEqualTo("203.0.113.7");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClientResolvers.remoteAddress(65))
                .hasMessageContaining("ipv6Prefix");
    }

    @Test
    void refusesAProxyNetworkThatCoversEveryAddressAsTheFilterSettingDoes() {
        for (String everything : List.of("0.0.0.0/0", "::/0")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> ClientResolvers.forwardedFor(Cidr.parseAll("t", List.of("10.0.0.0/8", everything))))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("trustedProxies").hasMessageContaining(everything);
        }
    }

    @Test
    void joinsSeveralHeadersInOrder() {
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "6.6.6.6", "203.0.113.7, 10.2.2.2", "10.3.3.3")))
                .isEqualTo("203.0.113.7");
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "6.6.6.6, 203.0.113.8", "10.2.2.2")))
                .isEqualTo("203.0.113.8");
    }

    @Test
    void fallsBackToThePeerOnGarbage() {
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "203.0.113.7, evil.example"))).isEqualTo("10.0.0.5");
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "203.0.113.7,"))).isEqualTo("10.0.0.5");
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", ""))).isEqualTo("10.0.0.5");
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "unknown"))).isEqualTo("10.0.0.5");
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5"))).isEqualTo("10.0.0.5");
    }

    @Test
    void garbageLeftOfTheClientDoesNotMatter() {
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "<script>, not-an-ip, 203.0.113.7, 10.1.1.1")))
                .isEqualTo("203.0.113.7");
    }

    @Test
    void usesTheLeftMostHopWhenEveryHopIsTrusted() {
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "10.9.9.9, 10.1.1.1"))).isEqualTo("10.9.9.9");
    }

    @Test
    void normalisesIpv6AndProxyForms() {
        assertThat(BEHIND_PROXIES.resolve(request("2001:db8:ffff::1", "[2001:DB8:1:2::99]:4711")))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(BEHIND_PROXIES.resolve(request("::ffff:10.0.0.5", "203.0.113.7:5555"))).isEqualTo("203.0.113.7");
        assertThat(BEHIND_PROXIES.resolve(request("2001:db8:ffff:0:0:0:0:1", "2001:db8:ffff::2, 2001:db8:5::1")))
                .isEqualTo("2001:db8:5::/64");
    }

    @Test
    void boundsTheWalkOverTrustedHops() {
        String many = String.join(", ", Collections.nCopies(1000, "10.0.0.1"));

        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "203.0.113.7, " + many))).isEqualTo("10.0.0.1");
    }

    /** A request with {@code peer} as remote address and the given X-Forwarded-For header lines. */
    static HttpServletRequest request(String peer, String... xff) {
        return (HttpServletRequest) Proxy.newProxyInstance(ClientResolversTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getRemoteAddr":
                            return peer;
                        case "getHeaders":
                            return "X-Forwarded-For".equalsIgnoreCase((String) args[0])
                                    ? Collections.enumeration(List.of(xff)) : Collections.emptyEnumeration();
                        case "getHeader":
                            return xff.length == 0 ? null : xff[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** Garbage in a later header, or an empty entry, makes the peer the client: never an entry the client wrote. */
    @Test
    void garbageInALaterHeaderFallsBackToThePeerNotToAnEarlierHeader() {
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "6.6.6.6", "unknown"))).isEqualTo("10.0.0.5");
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", "6.6.6.6", "10.1.1.1, unknown"))).isEqualTo("10.0.0.5");
        assertThat(BEHIND_PROXIES.resolve(request("10.0.0.5", ", 10.1.1.1"))).isEqualTo("10.0.0.5");
    }
}
