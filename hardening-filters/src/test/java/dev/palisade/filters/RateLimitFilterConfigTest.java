package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitFilterConfigTest {

    private static RateLimitFilter.Config parse(Map<String, String> params, Map<String, String> env) {
        return RateLimitFilter.Config.fromSettings(Settings.from("rate", params, RateLimitFilter.INIT_PARAMS, env::get));
    }

    @Test
    void aNullEntryInAListSettingGivenInCodeFailsNamingTheSetting() {
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().paths("/api/*", null).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("paths");
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().allowlist("/health", null).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("allowlist");
        assertThatThrownBy(() -> EnvironmentGateFilter.Config.builder().devOnlyPaths("/dev/*", null).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("devOnlyPaths");
        assertThatThrownBy(() -> SecurityHeadersFilter.Config.builder().noStorePaths("/api", null).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("noStorePaths");
        assertThatThrownBy(() -> new ApiKeyAuthFilter.Config(null, java.util.Arrays.asList((ApiKeyAuthFilter.Rule) null), null))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("rules");
        assertThatThrownBy(() -> Hardening.builder().rateLimits(java.util.Arrays.asList(
                RateLimitFilter.Config.builder().build(), null)).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("rateLimits");
    }

    @Test
    void aListGivenToTheBuilderIsCopiedThere() {
        List<String> paths = new java.util.ArrayList<>(List.of("/api/*"));
        RateLimitFilter.Builder builder = RateLimitFilter.Config.builder().paths(paths).allowlist(paths);
        paths.add("/other/*");

        RateLimitFilter.Config config = builder.build();

        assertThat(config.paths()).containsExactly("/api/*");
        assertThat(config.allowlist()).containsExactly("/api/*");
    }

    @Test
    void defaultsMatchTheContract() {
        RateLimitFilter.Config c = parse(Map.of(), Map.of());

        assertThat(c.rps()).isEqualTo(2.0);
        assertThat(c.burst()).isEqualTo(10);
        assertThat(c.paths()).isEmpty();
        assertThat(c.allowlist()).containsExactly("/health");
        assertThat(c.trustedProxies()).isEmpty();
        assertThat(c.maxClients()).isEqualTo(100_000);
        assertThat(new Quota(c.rps(), c.burst()).policyField()).isEqualTo("\"default\";q=10;w=5");
        // The window is rounded up to whole seconds; the quota keeps the real rate.
        assertThat(new Quota(1000, 1).policyField()).isEqualTo("\"default\";q=1000;w=1");
        assertThat(new Quota(3, 10).policyField()).isEqualTo("\"default\";q=12;w=4");
        assertThat(new Quota(0.5, 10).policyField()).isEqualTo("\"default\";q=10;w=20");
        // Where the rate fills no whole number of tokens in the window, the quota is rounded down:
        // a client pacing itself by the policy is never refused (0.4 per second reads 1 per 3 s).
        assertThat(new Quota(0.4, 1).policyField()).isEqualTo("\"default\";q=1;w=3");
        assertThat(new Quota(1.5, 1).policyField()).isEqualTo("\"default\";q=1;w=1");
        for (double rps : new double[] {0.001, 0.3, 0.4, 0.7, 1, 1.5, 2, 3.3, 7, 999.9, 1000, 123456.7}) {
            for (long burst : new long[] {1, 2, 3, 10, 99, 1000, 1_000_000}) {
                String[] field = new Quota(rps, burst).policyField().split("[=;]");
                long q = Long.parseLong(field[2]);
                long w = Long.parseLong(field[4]);
                assertThat(q).as("rps %s burst %s", rps, burst).isGreaterThanOrEqualTo(burst);
                assertThat((double) q / w).as("rps %s burst %s", rps, burst).isLessThanOrEqualTo(rps);
            }
        }
    }

    @Test
    void initParamsWinOverEnvironment() {
        Map<String, String> env = Map.of("RATE_LIMIT_RPS", "0.25", "RATE_LIMIT_BURST", "4",
                "RATE_LIMIT_ALLOWLIST", "/a,/b/*", "TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32");

        RateLimitFilter.Config fromEnv = parse(Map.of(), env);
        RateLimitFilter.Config fromParams = parse(Map.of("rps", "7", "burst", "9", "allowlist", "",
                "trustedProxies", "", "maxClients", "50"), env);

        assertThat(fromEnv.rps()).isEqualTo(0.25);
        assertThat(fromEnv.burst()).isEqualTo(4);
        assertThat(fromEnv.allowlist()).containsExactly("/a", "/b/*");
        assertThat(fromEnv.trustedProxies()).extracting(Cidr::toString).containsExactly("10.0.0.0/8", "2001:db8::/32");
        assertThat(fromParams.rps()).isEqualTo(7);
        assertThat(fromParams.burst()).isEqualTo(9);
        assertThat(fromParams.allowlist()).as("an empty init-param allowlists nothing").isEmpty();
        assertThat(fromParams.trustedProxies()).isEmpty();
        assertThat(fromParams.maxClients()).isEqualTo(50);
    }

    @Test
    void badValuesNameTheKeyTheyCameFrom() {
        assertThatThrownBy(() -> parse(Map.of(), Map.of("RATE_LIMIT_RPS", "lots")))
                .hasMessageContaining("RATE_LIMIT_RPS").hasMessageContaining("\"lots\"");
        assertThatThrownBy(() -> parse(Map.of("rps", "-1"), Map.of())).hasMessageContaining("rps").hasMessageContaining("\"-1\"");
        assertThatThrownBy(() -> parse(Map.of("rps", "NaN"), Map.of())).hasMessageContaining("rps");
        assertThatThrownBy(() -> parse(Map.of("rps", "1e9"), Map.of())).hasMessageContaining("rps").hasMessageContaining("1e9");
        assertThatThrownBy(() -> parse(Map.of(), Map.of("RATE_LIMIT_BURST", "0")))
                .hasMessageContaining("RATE_LIMIT_BURST").hasMessageContaining("\"0\"");
        assertThatThrownBy(() -> parse(Map.of("burst", "1.5"), Map.of())).hasMessageContaining("burst").hasMessageContaining("1.5");
        // Every refusal names the range that holds, not "a whole number >= 0" for a negative one.
        for (String burst : new String[] {"-1", "0", "1000000001", "99999999999999999999"}) {
            assertThatThrownBy(() -> parse(Map.of("burst", burst), Map.of())).as(burst)
                    .hasMessageContaining("\"" + burst + "\"").hasMessageContaining(">= 1 and <= 1000000000");
        }
        assertThatThrownBy(() -> parse(Map.of(), Map.of("TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal")))
                .hasMessageContaining("TRUSTED_PROXIES").hasMessageContaining("\"proxy.internal\"");
        assertThatThrownBy(() -> parse(Map.of(), Map.of("RATE_LIMIT_ALLOWLIST", "health")))
                .hasMessageContaining("RATE_LIMIT_ALLOWLIST").hasMessageContaining("\"health\"");
        assertThatThrownBy(() -> parse(Map.of("paths", "GET /a, DELETE"), Map.of()))
                .hasMessageContaining("paths").hasMessageContaining("\"DELETE\"");
        assertThatThrownBy(() -> parse(Map.of("maxClients", "0"), Map.of())).hasMessageContaining("maxClients");
        assertThatThrownBy(() -> parse(Map.of("maxClients", "99999999999"), Map.of())).hasMessageContaining("maxClients");
        assertThatThrownBy(() -> parse(Map.of("burst ", "1"), Map.of())).hasMessageContaining("burst ");
    }

    @Test
    void builderValidatesToo() {
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().burst(0).build()).hasMessageContaining("burst");
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().rps(0).build()).hasMessageContaining("rps");
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().paths("nope").build()).hasMessageContaining("paths");
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().trustedProxies("10.0.0.1/8"))
                .hasMessageContaining("trustedProxies").hasMessageContaining("10.0.0.1/8");
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().trustedProxies("10.0.0.0/8")
                .clientResolver(ClientResolvers.remoteAddress()).build()).hasMessageContaining("clientResolver");
        // Every address a proxy: any client would pick its own bucket (found by review: accepted quietly).
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().trustedProxies("10.0.0.0/8", "::/0").build())
                .hasMessageContaining("trustedProxies").hasMessageContaining("::/0").hasMessageContaining("not every address");
        assertThatThrownBy(() -> parse(Map.of(), Map.of("TRUSTED_PROXIES", "0.0.0.0/0")))
                .hasMessageContaining("Invalid value for TRUSTED_PROXIES: \"0.0.0.0/0\"");
        // The IPv6 client network: 32 to 64 bits, and not with a resolver of the application's own.
        assertThat(parse(Map.of(), Map.of()).ipv6Prefix()).isEqualTo(64);
        assertThat(parse(Map.of("ipv6Prefix", "48"), Map.of()).ipv6Prefix()).isEqualTo(48);
        for (String bad : List.of("31", "65", "0", "/48", "48.5")) {
            assertThatThrownBy(() -> parse(Map.of("ipv6Prefix", bad), Map.of())).as(bad)
                    .hasMessageContaining("ipv6Prefix").hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().ipv6Prefix(56)
                .clientResolver(ClientResolvers.remoteAddress()).build()).hasMessageContaining("ipv6Prefix or a clientResolver");
        assertThat(RateLimitFilter.Config.builder().build().toBuilder().rps(0.5).build().rps()).isEqualTo(0.5);
    }

    @Test
    void policyWindowIsTheTimeToRefillAFullBurst() {
        assertThat(new Quota(3, 10).windowSeconds()).isEqualTo(4); // 3.33 s, rounded up
        assertThat(new Quota(100, 10).windowSeconds()).isEqualTo(1);
        assertThat(new Quota(0.01, 1).windowSeconds()).isEqualTo(100);
        assertThat(Quota.rateLimitField(3, 1)).isEqualTo("\"default\";r=3;t=1");
        assertThat(Quota.rateLimitField(10, 0)).isEqualTo("\"default\";r=10;t=0");
        assertThat(List.of(Quota.ceilSeconds(1_000_000_000L), Quota.ceilSeconds(1_000_000_001L))).containsExactly(1L, 2L);
    }
}
