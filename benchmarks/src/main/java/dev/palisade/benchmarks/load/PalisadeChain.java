package dev.palisade.benchmarks.load;

import dev.palisade.filters.ApiKeyAuthFilter;
import dev.palisade.filters.Environment;
import dev.palisade.filters.EnvironmentGateFilter;
import dev.palisade.filters.Hardening;
import dev.palisade.filters.RateLimitFilter;
import jakarta.servlet.ServletContext;

/**
 * The full Palisade chain as the reference server runs it — access log, error boundary, security
 * headers, rate limit, size limit, API-key authentication, environment gate — with a rate limit
 * high enough that nothing is rejected. wrk sends {@link #TOKEN} as its bearer token.
 */
final class PalisadeChain {
    static final String TOKEN = "load-test-token-0123456789abcdef";

    private PalisadeChain() {
    }

    static void install(ServletContext ctx) {
        Hardening.install(ctx, Hardening.builder()
                .rateLimit(RateLimitFilter.Config.builder().rps(1_000_000).burst(1_000_000_000).build())
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "bench", "manager").publicPath("/health").build())
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/api/debug/*").build())
                .build());
    }
}
