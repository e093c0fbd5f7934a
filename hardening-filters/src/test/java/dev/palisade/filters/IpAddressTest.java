package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
            "192.0.2.1, 192.0.2.1",
            "' 192.0.2.1 ', 192.0.2.1",
            "192.0.2.1:8080, 192.0.2.1",
            "::ffff:192.0.2.1, 192.0.2.1",
            "::FFFF:C000:0201, 192.0.2.1",
            "[::ffff:192.0.2.1]:443, 192.0.2.1",
            "2001:DB8::1, 2001:db8::1",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "[2001:db8::1], 2001:db8::1",
            "[2001:db8::1]:8443, 2001:db8::1",
            "fe80::1%eth0, fe80::1",
            "0:0:0:0:0:0:0:1, ::1",
            "::, ::",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "1:0:0:2:0:0:0:3, 1:0:0:2::3",
            "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
            "192.0.2.1:65535, 192.0.2.1",
            "192.0.2.1:8, 192.0.2.1",
            "[2001:db8::1]:65535, 2001:db8::1",
            "64:ff9b:0:0:0:0:192.0.2.33, 64:ff9b::c000:221",
    })
    void parsesLiteralsToCanonicalForm(String text, String canonical) {
        assertThat(IpAddress.parse(text)).hasToString(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "unknown", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1",
            "01.2.3.4", "1.2.3.4:", "1.2.3.4:abc", "1.2.3.4:1234567", "::1::2", "1:2:3:4:5:6:7:8:9", ":1",
            "1:", "12345::", "g::1", "1:2:3:4:5:6:7:8::", "[::1", "[::1]x", "_hidden", "1.2.3.4, 5.6.7.8",
            "::ffff:1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "2001:db8::1:", "1:2:3:4:5:6:7:"})
    void refusesEverythingThatIsNotALiteral(String text) {
        assertThat(IpAddress.parse(text)).isNull();
    }

    @Test
    void keysIpv6ClientsByTheirSlash64() {
        assertThat(IpAddress.clientKey("2001:db8:1:2:aaaa::1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(IpAddress.clientKey("2001:DB8:1:2:bbbb:0:0:7")).isEqualTo("2001:db8:1:2::/64");
        assertThat(IpAddress.clientKey("0:0:0:0:0:0:0:1")).isEqualTo("::/64");
        assertThat(IpAddress.clientKey("::ffff:10.1.2.3")).isEqualTo("10.1.2.3");
        // NAT64's well-known prefix carries an IPv4 client in its low 32 bits: one key per client, not one for all.
        assertThat(IpAddress.clientKey("64:ff9b::c000:201")).isEqualTo("192.0.2.1");
        assertThat(IpAddress.clientKey("64:ff9b::198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(IpAddress.clientKey("64:ff9b::1:c000:201")).isEqualTo("64:ff9b::/64");
    }

    @Test
    void returnsACanonicalIpv4KeyWithoutCopying() {
        String peer = new String("10.20.30.40".toCharArray());

        assertThat(IpAddress.clientKey(peer)).isSameAs(peer);
        assertThat(IpAddress.clientKey("unix:/tmp/socket")).isEqualTo("unix:/tmp/socket");
    }
}
