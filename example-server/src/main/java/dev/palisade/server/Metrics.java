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
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.StatisticsHandler;

/**
 * The server's Prometheus metrics (Micrometer), read from the counters the parts already keep:
 * responses by status class (Jetty's {@link StatisticsHandler}, container-level errors included),
 * the chain's 413/429/401/403 rejections, conversation-cache size and evictions, the LLM cache
 * when the LLM is on, the outbox depth (emails waiting, whether or not a sender runs), the rate
 * limiters' decisions made without their shared store; and saturation: Jetty's request threads and
 * queue, open connections, and the JVM's heap, GC, threads, CPU and file descriptors (Micrometer's
 * own binders), so that a connection flood or a stuck pool shows before the 5xx do.
 */
public final class Metrics implements AutoCloseable {
    /** Any time in the future, so that the outbox depth counts emails not yet due too. */
    private static final Duration ANY_TIME = Duration.ofDays(365L * 100);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Listens to the JVM's GC notifications until closed. */
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics(Server server, StatisticsHandler statistics, Hardening.Installed chain, ConversationCache conversations,
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
            rejections("429", limitName(i), limits.get(i), RateLimitFilter::rejectedCount);
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
        for (int i = 0; i < limits.size(); i++) {
            FunctionCounter.builder("palisade_rate_limit_store_failures", limits.get(i), RateLimitFilter::storeFailureCount)
                    .tag("by", limitName(i))
                    .description("Rate-limit checks decided by this process alone: the shared store (Redis) failed")
                    .register(registry);
        }
        saturation(server);
    }

    private static String limitName(int index) {
        return index == ServerConfig.STRICT_LIMIT ? "rate_high_risk" : "rate_general";
    }

    private void saturation(Server server) {
        new JettyServerThreadPoolMetrics(server.getThreadPool(), Tags.empty()).bindTo(registry);
        JettyConnectionMetrics.addToAllConnectors(server, registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
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

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
