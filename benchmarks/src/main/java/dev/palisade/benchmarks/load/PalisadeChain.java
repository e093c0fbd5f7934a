package dev.palisade.benchmarks.load;

import dev.palisade.filters.ApiKeyAuthFilter;
import dev.palisade.filters.Environment;
import dev.palisade.filters.EnvironmentGateFilter;
import dev.palisade.filters.Hardening;
import dev.palisade.filters.RateLimitFilter;
import jakarta.servlet.ServletContext;
import java.util.Arrays;
import java.util.List;

/**
 * The full Palisade chain as the reference server runs it — access log, error boundary, security
 * headers, rate limit, size limit, API-key authentication, environment gate — with a rate limit
 * high enough that nothing is rejected. wrk sends {@link #TOKEN} as its bearer token.
 */
final class PalisadeChain {
    static final String TOKEN = "load-test-token-0123456789abcdef";

    private PalisadeChain() {
    }

    /**
     * Installs the chain; the system property {@code palisade.omit} (a comma list of
     * {@code accessLog,securityHeaders,rateLimit,sizeLimit,apiKeyAuth,environmentGate}) leaves
     * filters out, to see what each one costs.
     */
    static void install(ServletContext ctx) {
        List<String> omit = Arrays.asList(System.getProperty("palisade.omit", "").split(","));
        Hardening.Builder chain = Hardening.builder()
                .rateLimit(RateLimitFilter.Config.builder().rps(1_000_000).burst(1_000_000_000).build())
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "bench", "manager").publicPath("/health").build())
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/api/debug/*").build());
        if (omit.contains("accessLog")) {
            chain.accessLog(null);
        }
        if (omit.contains("securityHeaders")) {
            chain.securityHeaders(null);
        }
        if (omit.contains("rateLimit")) {
            chain.rateLimit(null);
        }
        if (omit.contains("sizeLimit")) {
            chain.sizeLimit(null);
        }
        if (omit.contains("apiKeyAuth")) {
            chain.apiKeyAuth(null);
        }
        if (omit.contains("environmentGate")) {
            chain.environmentGate(null);
        }
        Hardening.install(ctx, chain.build());
    }
}
