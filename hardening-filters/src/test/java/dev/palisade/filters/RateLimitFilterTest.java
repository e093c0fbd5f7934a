package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RateLimitFilterTest {
    private final FakeClock clock = new FakeClock();

    @ParameterizedTest
    @EnumSource(Container.class)
    void answersProblemWith429AndRateLimitFieldsPastTheBurst(Container container) throws Exception {
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().rps(2).burst(3).clock(clock)
                .quotaHeadersOnSuccess(true).build());
        try (LogCapture logs = LogCapture.of(RateLimitFilter.class);
                RunningServer server = container.start(ctx -> deploy(ctx, filter))) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response ok = get(server, "/api/x");
                assertThat(ok.status()).isEqualTo(200);
                assertThat(ok.body()).isEqualTo("ok");
                assertThat(ok.header("RateLimit-Policy")).isEqualTo("\"default\";q=4;w=2");
                assertThat(ok.header("RateLimit")).isEqualTo("\"default\";r=" + (2 - i) + ";t=" + (i < 2 ? 1 : 2)); // 0.5, 1.0, 1.5 s to refill
            }

            RawHttp.Response limited = RawHttp.exchange(server.port(),
                    "GET /api/x HTTP/1.1\r\nHost: x\r\nX-Request-Id: rl-1\r\nConnection: close\r\n\r\n");

            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
            assertThat(limited.header("Retry-After")).isEqualTo("1");
            assertThat(limited.header("RateLimit-Policy")).isEqualTo("\"default\";q=4;w=2");
            assertThat(limited.header("RateLimit")).isEqualTo("\"default\";r=0;t=2");
            assertThat(limited.header("Cache-Control")).isEqualTo("no-store");
            assertThat(limited.body()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Too Many Requests\","
                    + "\"status\":429,\"detail\":\"Too many requests; retry after the delay given in Retry-After.\","
                    + "\"requestId\":\"rl-1\"}");
            assertThat(filter.rejectedCount()).isEqualTo(1);
            // Named: an application with several limiters (one per route) can tell which refused.
            assertThat(logs.text()).contains("Rejected 1 requests over the rate limit (429) by rate (the first since start");

            clock.advance(Duration.ofMillis(500));
            assertThat(get(server, "/api/x").status()).isEqualTo(200);
            assertThat(get(server, "/api/x").status()).isEqualTo(429);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void roundsRetryAfterUpToWholeSeconds(Container container) throws Exception {
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().rps(0.4).burst(1).clock(clock).build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, filter))) {
            assertThat(get(server, "/api/x").status()).isEqualTo(200);
            assertThat(get(server, "/api/x").header("Retry-After")).isEqualTo("3"); // 2.5 s
            clock.advance(Duration.ofMillis(2_400));
            RawHttp.Response almost = get(server, "/api/x");
            assertThat(almost.status()).isEqualTo(429);
            assertThat(almost.header("Retry-After")).as("0.1 s rounds up to the minimum of 1").isEqualTo("1");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void neverLimitsTheAllowlist(Container container) throws Exception {
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock).build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, filter))) {
            assertThat(get(server, "/api/x").status()).isEqualTo(200);
            assertThat(get(server, "/api/x").status()).isEqualTo(429);

            for (int i = 0; i < 5; i++) {
                RawHttp.Response health = get(server, "/health");
                assertThat(health.status()).isEqualTo(200);
                assertThat(health.body()).as("exempt, not swallowed: the application answers").isEqualTo("ok");
                assertThat(health.header("RateLimit")).isNull();
            }
            assertThat(get(server, "/health/live").status()).isEqualTo(200);
            assertThat(get(server, "/healthz").status()).as("a prefix matches whole segments").isEqualTo(429);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void limitsOnlyThePathsInScope(Container container) throws Exception {
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock)
                .paths("POST /api/send-message", "/api/uploads/*").build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, filter))) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response open = get(server, "/api/events");
                assertThat(open.status()).isEqualTo(200);
                assertThat(open.body()).as("out of scope, not swallowed: the application answers").isEqualTo("ok");
                assertThat(open.header("RateLimit")).isNull();
                assertThat(get(server, "/api/send-message").status()).as("GET is not in scope").isEqualTo(200);
            }

            assertThat(post(server, "/api/send-message").status()).isEqualTo(200);
            assertThat(post(server, "/api/send-message").status()).isEqualTo(429);
            assertThat(get(server, "/api/uploads/a").status()).as("same client, same bucket").isEqualTo(429);
            assertThat(get(server, "/api/events").status()).isEqualTo(200);
        }
    }

    /**
     * An application may route on the raw URI, dot segments and all, or ignore a trailing slash:
     * the allowlist exempts a request only when the raw URI taken literally is allowlisted too, and
     * the scope counts a request when any view of its path is in scope.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void judgesEveryViewOfThePath(Container container) throws Exception {
        RateLimitFilter scoped = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock)
                .paths("/api/files/*", "POST /api/send-message").build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, scoped))) {
            // The container routes it to /health; a router matching the raw URI, to the files route.
            assertThat(get(server, "/api/files/../../health").status()).isEqualTo(200);
            assertThat(get(server, "/api/files/../../health").status()).isEqualTo(429);
            clock.advance(Duration.ofSeconds(10));
            assertThat(post(server, "/api/send-message/").status()).isEqualTo(200);
            assertThat(post(server, "/api/send-message/").status()).isEqualTo(429);
            assertThat(get(server, "/api/events/").status()).as("out of scope").isEqualTo(200);
            // In another case, for a router that ignores case (found by review: not counted).
            clock.advance(Duration.ofSeconds(10));
            assertThat(post(server, "/API/Send-Message").status()).isEqualTo(200);
            assertThat(post(server, "/api/send-message").status()).as("the same bucket").isEqualTo(429);
            assertThat(get(server, "/Api/Events").status()).as("out of scope in any case").isEqualTo(200);
        }
        // A scope written with capitals covers the path in lower case too.
        RateLimitFilter cased = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock)
                .paths("POST /api/Login").build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, cased))) {
            assertThat(post(server, "/api/login").status()).isEqualTo(200);
            assertThat(post(server, "/api/LOGIN").status()).isEqualTo(429);
            assertThat(post(server, "/api/logins").status()).as("out of scope").isEqualTo(200);
        }
        // The allowlist is not widened: /HEALTH is counted.
        RateLimitFilter all = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock).build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, all))) {
            assertThat(get(server, "/HEALTH").status()).isEqualTo(200);
            assertThat(get(server, "/HEALTH").status()).isEqualTo(429);
        }
        RateLimitFilter everything = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock).build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, everything))) {
            assertThat(get(server, "/api/../health").status()).isEqualTo(200);
            assertThat(get(server, "/api/../health").status()).as("not exempt: /api/.. to a raw router").isEqualTo(429);
            assertThat(get(server, "/health").status()).isEqualTo(200);
        }
    }

    /**
     * IPv6 clients are known by their /64 unless {@code ipv6Prefix} says otherwise: where sites get a
     * /48, each of its 65,536 /64s had a budget of its own (found by review).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void knowsAnIpv6ClientByTheNetworkIpv6PrefixSays(Container container) throws Exception {
        String first = "X-Forwarded-For: 2001:db8:1:2::7";
        String sameSite = "X-Forwarded-For: 2001:db8:1:ff00::9";
        RateLimitFilter per64 = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock)
                .trustedProxies("127.0.0.1/32", "::1/128").build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, per64))) {
            assertThat(get(server, "/api/x", first).status()).isEqualTo(200);
            assertThat(get(server, "/api/x", sameSite).status()).as("another /64").isEqualTo(200);
        }
        RateLimitFilter per48 = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock)
                .trustedProxies("127.0.0.1/32", "::1/128").ipv6Prefix(48).build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, per48))) {
            assertThat(get(server, "/api/x", first).status()).isEqualTo(200);
            assertThat(get(server, "/api/x", sameSite).status()).as("the same /48").isEqualTo(429);
            assertThat(get(server, "/api/x", "X-Forwarded-For: 2001:db8:2::1").status()).as("another /48").isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void takesTheClientFromForwardedForWhenThePeerIsATrustedProxy(Container container) throws Exception {
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock)
                .trustedProxies("127.0.0.1/32", "10.0.0.0/8").build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, filter))) {
            assertThat(get(server, "/api/x", "X-Forwarded-For: 203.0.113.7, 10.0.0.2").status()).isEqualTo(200);
            assertThat(get(server, "/api/x", "X-Forwarded-For: 203.0.113.7, 10.0.0.2").status()).isEqualTo(429);
            assertThat(get(server, "/api/x", "X-Forwarded-For: 203.0.113.8").status())
                    .as("another client behind the same proxy").isEqualTo(200);

            // The spoofed left-most entry changes nothing: the proxy appended the real client.
            assertThat(get(server, "/api/x", "X-Forwarded-For: 1.2.3.4, 203.0.113.7").status()).isEqualTo(429);
            assertThat(get(server, "/api/x", "X-Forwarded-For: 5.6.7.8", "X-Forwarded-For: 203.0.113.7").status())
                    .as("several headers are joined in order").isEqualTo(429);
            assertThat(get(server, "/api/x", "X-Forwarded-For: [2001:DB8::1]:443").status()).isEqualTo(200);
            assertThat(get(server, "/api/x", "X-Forwarded-For: 2001:db8:0:0:0:0:0:2").status())
                    .as("same /64 after normalising").isEqualTo(429);

            // Garbage: the peer (127.0.0.1) is the client, and its bucket is its own.
            assertThat(get(server, "/api/x", "X-Forwarded-For: 203.0.113.9, nonsense").status()).isEqualTo(200);
            assertThat(get(server, "/api/x").status()).as("no header: the peer again").isEqualTo(429);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void ignoresForwardedForFromAnUntrustedPeer(Container container) throws Exception {
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock)
                .trustedProxies("10.0.0.0/8").build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, filter))) {
            assertThat(get(server, "/api/x", "X-Forwarded-For: 203.0.113.1").status()).isEqualTo(200);
            assertThat(get(server, "/api/x", "X-Forwarded-For: 203.0.113.2").status()).isEqualTo(429);
            assertThat(get(server, "/api/x").status()).isEqualTo(429);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void leavesQuotaFieldsOffAllowedResponsesByDefault(Container container) throws Exception {
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().rps(2).burst(1).clock(clock).build());
        try (RunningServer server = container.start(ctx -> deploy(ctx, filter))) {
            RawHttp.Response ok = get(server, "/api/x");
            RawHttp.Response limited = get(server, "/api/x");

            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.header("RateLimit-Policy")).isNull();
            assertThat(ok.header("RateLimit")).isNull();
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("RateLimit-Policy")).isEqualTo("\"default\";q=2;w=1");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void readsSettingsFromInitParamsAndEnvironment(Container container) throws Exception {
        RateLimitFilter filter = new RateLimitFilter(Map.of("RATE_LIMIT_BURST", "2", "RATE_LIMIT_ALLOWLIST", "/open")::get);
        try (RunningServer server = container.start(ctx -> deploy(ctx, filter, Map.of("rps", "0.5",
                "paths", "GET /api/*", "trustedProxies", "127.0.0.1, ::1", "quotaHeadersOnSuccess", "true")))) {
            RawHttp.Response first = get(server, "/api/x", "X-Forwarded-For: 203.0.113.1");
            assertThat(first.header("RateLimit-Policy")).isEqualTo("\"default\";q=2;w=4");
            assertThat(get(server, "/api/x", "X-Forwarded-For: 203.0.113.1").status()).isEqualTo(200);
            assertThat(get(server, "/api/x", "X-Forwarded-For: 203.0.113.1").status()).isEqualTo(429);
            assertThat(get(server, "/open/x", "X-Forwarded-For: 203.0.113.1").status()).isEqualTo(200);
            assertThat(get(server, "/health", "X-Forwarded-For: 203.0.113.1").status())
                    .as("the env allowlist replaces the default; /health is out of scope anyway").isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void failsInitOnBadSettings(Container container) {
        for (Map<String, String> params : new Map[] {Map.of("rps", "fast"), Map.of("burst", "-1"),
                Map.of("trustedProxies", "10.0.0.0/33"), Map.of("paths", "api/x"), Map.of("rpss", "1"),
                Map.of("burst", "0")}) {
            try (LogCapture logs = LogCapture.of(RateLimitFilter.class)) {
                assertThatThrownBy(() -> container.start(ctx -> deploy(ctx, new RateLimitFilter(k -> null), params))
                        .close())
                        .as(params.toString()).isInstanceOf(Container.ContextFailedException.class);
                String key = params.keySet().iterator().next();
                assertThat(logs.text()).contains(key);
                if (!key.equals("rpss")) {
                    assertThat(logs.text()).contains("\"" + params.get(key) + "\"");
                }
            }
        }
    }

    /** The filter on /* for REQUEST dispatches, in front of a servlet answering "ok" everywhere. */
    static void deploy(ServletContext ctx, RateLimitFilter filter) {
        deploy(ctx, filter, Map.of());
    }

    private static void deploy(ServletContext ctx, RateLimitFilter filter, Map<String, String> params) {
        FilterRegistration.Dynamic reg = ctx.addFilter("rate", filter);
        params.forEach(reg::setInitParameter);
        reg.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        ctx.addServlet("ok", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().write("ok");
            }
        }).addMapping("/");
    }

    static RawHttp.Response get(RunningServer server, String path, String... headers) throws IOException {
        return send(server, "GET", path, headers);
    }

    static RawHttp.Response post(RunningServer server, String path) throws IOException {
        return send(server, "POST", path, "Content-Length: 0");
    }

    private static RawHttp.Response send(RunningServer server, String method, String path, String... headers)
            throws IOException {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: x\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return RawHttp.exchange(server.port(), head.append("Connection: close\r\n\r\n").toString());
    }
}
