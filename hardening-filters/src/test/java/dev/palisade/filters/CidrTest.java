package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @Test
    void matchesIpv4Networks() {
        Cidr net = Cidr.parse("10.0.0.0/8");

        assertThat(net.contains("10.0.0.1")).isTrue();
        assertThat(net.contains("10.255.255.255")).isTrue();
        assertThat(net.contains("11.0.0.0")).isFalse();
        assertThat(net.contains("::ffff:10.1.1.1")).isTrue();
        assertThat(net.contains("::1")).isFalse();
        assertThat(Cidr.parse("192.168.1.0/24").contains("192.168.2.1")).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains("203.0.113.9")).isTrue();
        assertThat(Cidr.parse("127.0.0.1").contains("127.0.0.1")).isTrue();
        assertThat(Cidr.parse("127.0.0.1").contains("127.0.0.2")).isFalse();
    }

    @Test
    void matchesIpv6Networks() {
        Cidr net = Cidr.parse("2001:db8::/32");

        assertThat(net.contains("2001:db8:ffff::1")).isTrue();
        assertThat(net.contains("2001:db9::1")).isFalse();
        assertThat(net.contains("10.0.0.1")).isFalse();
        assertThat(Cidr.parse("2001:db8:0:0:8000::/65").contains("2001:db8::8000:0:0:1")).isTrue();
        assertThat(Cidr.parse("2001:db8:0:0:8000::/65").contains("2001:db8::1")).isFalse();
        assertThat(Cidr.parse("::1/128").contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(Cidr.parse("::/0").contains("2001:db8::1")).isTrue();
        assertThat(Cidr.parse("::ffff:10.0.0.0/104").contains("10.9.9.9")).isTrue();
        assertThat(Cidr.parse("2001:DB8::/32")).hasToString("2001:db8::/32");
        assertThat(Cidr.parse("10.0.0.0/8")).hasToString("10.0.0.0/8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0/33", "10.0.0.1/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8",
            "localhost", "example.com/24", "2001:db8::/129", "2001:db8::1/32", "[::1]/128", "10.0.0.0:80/8",
            "fe80::1%eth0/128", "10.0.0.0/ 8", "10.0.0.0/1e1"})
    void refusesBadNetworksNamingThem(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text);
        assertThatThrownBy(() -> Cidr.parseAll("TRUSTED_PROXIES", List.of(text)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("TRUSTED_PROXIES").hasMessageContaining("\"" + text + "\"");
    }

    /** Only /32, /65, /96 and /128 were tested: a mask of any other length must be exactly that long. */
    @Test
    void matchesNetworksOfEveryPrefixLengthToTheBit() {
        assertThat(Cidr.parse("2001:db8:abcd::/48").contains("2001:db8:abcd:ffff:ffff:ffff:ffff:ffff")).isTrue();
        assertThat(Cidr.parse("2001:db8:abcd::/48").contains("2001:db8:abce::")).isFalse();
        assertThat(Cidr.parse("2001:db8:1:2::/64").contains("2001:db8:1:2:ffff:ffff:ffff:ffff")).isTrue();
        assertThat(Cidr.parse("2001:db8:1:2::/64").contains("2001:db8:1:3::")).isFalse();
        assertThat(Cidr.parse("2001:db8::1:0/112").contains("2001:db8::1:ffff")).isTrue();
        assertThat(Cidr.parse("2001:db8::1:0/112").contains("2001:db8::2:0")).isFalse();
        assertThat(Cidr.parse("192.168.0.0/20").contains("192.168.15.255")).isTrue();
        assertThat(Cidr.parse("192.168.0.0/20").contains("192.168.16.0")).isFalse();
        assertThat(Cidr.parse("10.1.2.0/24")).hasToString("10.1.2.0/24");
    }

    /** ::ffff:a.b.c.d/n is the IPv4 network a.b.c.d/(n-96); at /96 it is every IPv4 address, which no proxy list may hold. */
    @Test
    void anIpv4MappedNetworkIsTheIpv4NetworkItCovers() {
        assertThat(Cidr.parse("::ffff:10.0.0.0/104")).isEqualTo(Cidr.parse("10.0.0.0/8")).hasToString("10.0.0.0/8")
                .isNotEqualTo(Cidr.parse("10.0.0.0/9"));
        assertThatThrownBy(() -> ClientResolvers.forwardedFor(List.of(Cidr.parse("::ffff:0.0.0.0/96"))))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("trustedProxies");
    }
}
