package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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

    private static RawHttp.Response get(RunningServer server, String client) throws IOException {
        String header = client == null ? "" : CLIENT_HEADER + ": " + client + "\r\n";
        return RawHttp.exchange(server.port(),
                "GET /api/x HTTP/1.1\r\nHost: x\r\n" + header + "Connection: close\r\n\r\n");
    }
}
