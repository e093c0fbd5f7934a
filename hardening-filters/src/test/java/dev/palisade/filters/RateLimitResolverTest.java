package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitResolverTest {
    private static final String CLIENT_HEADER = "X-Test-Client";

    private final FakeClock clock = new FakeClock();

    @ParameterizedTest
    @EnumSource(Container.class)
    void keysBucketsByWhatTheCustomResolverReturns(Container container) throws Exception {
        ClientResolver byHeader = request -> request.getHeader(CLIENT_HEADER);
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock)
                .clientResolver(byHeader).build());
        try (RunningServer server = container.start(ctx -> RateLimitFilterTest.deploy(ctx, filter))) {
            assertThat(get(server, "alice").status()).isEqualTo(200);
            assertThat(get(server, "bob").status()).as("same peer, another resolved client").isEqualTo(200);
            assertThat(get(server, "alice").status()).isEqualTo(429);
            assertThat(get(server, "bob").status()).isEqualTo(429);

            assertThat(get(server, null).status()).as("null from the resolver: the peer's own bucket").isEqualTo(200);
            assertThat(get(server, null).status()).isEqualTo(429);
            assertThat(filter.rejectedCount()).isEqualTo(3);
        }
    }

    /**
     * A resolver keyed on what the client sends can hand the store a key of any length; the store
     * bounds clients, not bytes, so a long key is kept as its digest: distinct long keys stay
     * distinct (a cut would merge them), the same one keeps its bucket, and none is stored long.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void keepsALongResolvedKeyAsItsDigest(Container container) throws Exception {
        ClientResolver byHeader = request -> request.getHeader(CLIENT_HEADER);
        java.util.Set<String> stored = java.util.concurrent.ConcurrentHashMap.newKeySet();
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock)
                .clientResolver(byHeader).store((quota, meter) -> {
                    BucketStore memory = InMemoryBucketStore.factory(10).create(quota, meter);
                    return key -> {
                        stored.add(key);
                        return memory.tryConsume(key);
                    };
                }).build());
        String longKey = "k".repeat(4000);
        try (RunningServer server = container.start(ctx -> RateLimitFilterTest.deploy(ctx, filter))) {
            assertThat(get(server, longKey + "1").status()).isEqualTo(200);
            assertThat(get(server, longKey + "2").status()).as("differs only past any cut").isEqualTo(200);
            assertThat(get(server, longKey + "1").status()).isEqualTo(429);
            assertThat(get(server, "k".repeat(64)).status()).isEqualTo(200);
        }
        assertThat(stored).hasSize(3).allMatch(key -> key.length() <= RateLimitFilter.MAX_KEY_LENGTH + 2)
                .contains("k:" + "k".repeat(64));
    }

    /**
     * What a resolver returns is a key space of its own: a client writing a peer's address, or the
     * stored form of another client's long key, as its own key does not spend their buckets.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aResolvedKeyCannotNameAPeersOrALongKeysBucket(Container container) throws Exception {
        ClientResolver byHeader = request -> request.getHeader(CLIENT_HEADER);
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock)
                .clientResolver(byHeader).build());
        String longKey = "k".repeat(100);
        String storedLong = RateLimitFilter.boundedKey(longKey);
        try (RunningServer server = container.start(ctx -> RateLimitFilterTest.deploy(ctx, filter))) {
            assertThat(get(server, "127.0.0.1").status()).isEqualTo(200);
            assertThat(get(server, "127.0.0.1").status()).isEqualTo(429);
            assertThat(get(server, storedLong).status()).isEqualTo(200);
            assertThat(get(server, storedLong.substring(2)).status()).isEqualTo(200);

            assertThat(get(server, null).status()).as("the peer's own bucket, untouched").isEqualTo(200);
            assertThat(get(server, longKey).status()).as("the long key's bucket, untouched").isEqualTo(200);
        }
    }

    /**
     * Over a real IPv6 connection: Jetty 12 reports the peer in brackets ({@code [0:0:0:0:0:0:0:1]}),
     * Tomcat without; either way it must match a trusted-proxy CIDR, and the forwarded client (an
     * IPv6 one keyed by its /64) must get its own bucket.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void trustsAProxyThatConnectsOverIpv6(Container container) throws Exception {
        assumeTrue(canBind("::1"), "no IPv6 loopback on this machine");
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().burst(1).clock(clock)
                .trustedProxies("::1/128").build());
        try (RunningServer server = container.startBoundTo("::1", ctx -> RateLimitFilterTest.deploy(ctx, filter))) {
            assertThat(getVia(server, null).status()).isEqualTo(200);
            assertThat(getVia(server, null).status()).as("the proxy's own bucket").isEqualTo(429);
            assertThat(getVia(server, "203.0.113.7").status()).isEqualTo(200);
            assertThat(getVia(server, "203.0.113.7").status()).isEqualTo(429);
            assertThat(getVia(server, "2001:db8:1:2::10").status()).isEqualTo(200);
            assertThat(getVia(server, "[2001:db8:1:2::20]:443").status()).as("same /64").isEqualTo(429);
            assertThat(getVia(server, "2001:db8:1:3::10").status()).as("another /64").isEqualTo(200);
        }
    }

    /**
     * Behind a proxy that appends to {@code X-Forwarded-For}, set up as documented (Jetty's
     * customizer keeping the peer, Tomcat's RemoteIpValve): a client rotating the left-most entry,
     * which it writes itself, is still one client. No warning either.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void limitsAClientThatRotatesTheLeftMostForwardedEntryBehindAProxy(Container container) throws Exception {
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().burst(2).clock(clock)
                .trustedProxies("127.0.0.1/32").build());
        try (RunningServer server = container.startBehindProxy(ctx -> RateLimitFilterTest.deploy(ctx, filter));
                LogCapture logs = LogCapture.of(RateLimitFilter.class)) {
            assertThat(getVia(server, "10.9.9.1, 203.0.113.7").status()).isEqualTo(200);
            assertThat(getVia(server, "10.9.9.2, 203.0.113.7").status()).isEqualTo(200);
            assertThat(getVia(server, "10.9.9.3, 203.0.113.7").status()).isEqualTo(429);
            assertThat(getVia(server, "10.9.9.4, 198.51.100.9").status()).as("another client").isEqualTo(200);
            assertThat(logs.text()).doesNotContain("left-most");
        }
    }

    /**
     * With Jetty's customizer at its defaults, the remote address is the entry the client wrote: no
     * limiter setting can see the peer again, so the filter says so, once, naming the fix. The
     * first request is always checked, then one in 256 at random: over 3,000 requests a second
     * warning would show (the chance that none of them is checked again is under 10^-5).
     */
    @ParameterizedTest
    @ValueSource(strings = {"X-Forwarded-For: 10.9.9.1, 203.0.113.7", "Forwarded: for=10.9.9.1, for=203.0.113.7"})
    void warnsOnceWhenTheContainerTookTheClientsOwnForwardedEntry(String header) throws Exception {
        RateLimitFilter filter = new RateLimitFilter(RateLimitFilter.Config.builder().burst(100_000).clock(clock)
                .trustedProxies("127.0.0.1/32").build());
        try (RunningServer server = Container.startJettyTakingTheLeftMostForwardedAddress(
                ctx -> RateLimitFilterTest.deploy(ctx, filter)); LogCapture logs = LogCapture.of(RateLimitFilter.class);
                RawHttp http = server.raw()) {
            assertThat(http.send("GET /api/x HTTP/1.1\r\nHost: x\r\n" + header + "\r\n\r\n").readResponse().status())
                    .isEqualTo(200);
            assertThat(logs.text()).as("the first request is checked").contains("left-most");
            for (int i = 0; i < 3_000; i++) {
                assertThat(http.send("GET /api/x HTTP/1.1\r\nHost: x\r\n" + header + "\r\n\r\n").readResponse()
                        .status()).isEqualTo(200);
            }

            assertThat(logs.events()).filteredOn(e -> e.getFormattedMessage().contains("left-most")).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage())
                            .contains(header.substring(0, header.indexOf(':')), "setForwardedForHeader(null)"));
        }
    }

    private static boolean canBind(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static RawHttp.Response getVia(RunningServer server, String forwardedFor) throws IOException {
        String header = forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n";
        try (RawHttp http = server.raw()) {
            http.send("GET /api/x HTTP/1.1\r\nHost: x\r\n" + header + "Connection: close\r\n\r\n");
            return http.readResponse();
        }
    }

    private static RawHttp.Response get(RunningServer server, String client) throws IOException {
        String header = client == null ? "" : CLIENT_HEADER + ": " + client + "\r\n";
        return RawHttp.exchange(server.port(),
                "GET /api/x HTTP/1.1\r\nHost: x\r\n" + header + "Connection: close\r\n\r\n");
    }
}
