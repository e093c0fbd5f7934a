package dev.palisade.server;

import dev.palisade.filters.Hardening;
import dev.palisade.filters.RateLimitFilter;
import dev.palisade.workflow.analysis.LlmAnalyzer;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.session.ConversationCache;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.TeamStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.eclipse.jetty.server.handler.StatisticsHandler;

/**
 * The server's Prometheus metrics (Micrometer), read from the counters the parts already keep:
 * responses by status class (Jetty's {@link StatisticsHandler}, container-level errors included),
 * the chain's 413/429/401/403 rejections, conversation-cache size and evictions, the LLM cache
 * when the LLM is on, and the outbox depth (emails waiting, whether or not a sender runs).
 */
public final class Metrics {
    /** Any time in the future, so that the outbox depth counts emails not yet due too. */
    private static final Duration ANY_TIME = Duration.ofDays(365L * 100);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public Metrics(StatisticsHandler statistics, Hardening.Installed chain, ConversationCache conversations,
            Optional<LlmAnalyzer> llm, Store store, Clock clock) {
        responses(statistics, "1xx", StatisticsHandler::getResponses1xx);
        responses(statistics, "2xx", StatisticsHandler::getResponses2xx);
        responses(statistics, "3xx", StatisticsHandler::getResponses3xx);
        responses(statistics, "4xx", StatisticsHandler::getResponses4xx);
        responses(statistics, "5xx", StatisticsHandler::getResponses5xx);
        Gauge.builder("http_server_requests_active", statistics, StatisticsHandler::getRequestsActive)
                .description("Requests in progress").register(registry);

        chain.sizeLimit().ifPresent(f -> rejections("413", "size", f, x -> x.rejectedCount()));
        List<RateLimitFilter> limits = chain.rateLimits();
        for (int i = 0; i < limits.size(); i++) {
            rejections("429", i == 0 ? "rate_high_risk" : "rate_general", limits.get(i), RateLimitFilter::rejectedCount);
        }
        chain.apiKeyAuth().ifPresent(f -> {
            rejections("401", "auth", f, x -> x.unauthorizedCount());
            rejections("403", "auth", f, x -> x.forbiddenCount());
        });

        Gauge.builder("palisade_sessions_size", conversations, ConversationCache::size)
                .description("Conversations held in memory").register(registry);
        FunctionCounter.builder("palisade_sessions_evictions", conversations, ConversationCache::evictionCount)
                .description("Conversations evicted from memory (expired or over the cap)").register(registry);
        llm.ifPresent(analyzer -> {
            Gauge.builder("palisade_llm_cache_size", analyzer, LlmAnalyzer::cacheSize)
                    .description("Analyses held in the LLM answer cache").register(registry);
            FunctionCounter.builder("palisade_llm_cache_evictions", analyzer, LlmAnalyzer::cacheEvictions)
                    .description("Analyses evicted from the LLM answer cache").register(registry);
        });
        Gauge.builder("palisade_outbox_depth", store, s -> outboxDepth(s, clock))
                .description("Emails waiting in the outbox, all teams").register(registry);
    }

    private void responses(StatisticsHandler statistics, String statusClass, ToDoubleFunction<StatisticsHandler> count) {
        FunctionCounter.builder("http_server_responses", statistics, count)
                .tag("status", statusClass).description("Responses sent, by status class").register(registry);
    }

    private <T> void rejections(String status, String by, T filter, ToDoubleFunction<T> count) {
        FunctionCounter.builder("palisade_rejections", filter, count)
                .tag("status", status).tag("by", by)
                .description("Requests the filter chain rejected").register(registry);
    }

    private static double outboxDepth(Store store, Clock clock) {
        long depth = 0;
        for (Team team : store.teamsWithDueEmail(clock.instant().plus(ANY_TIME))) {
            depth += store.inTeam(team, TeamStore::outboxDepth);
        }
        return depth;
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }
}
