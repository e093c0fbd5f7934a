package dev.palisade.filters;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the recommended filter chain into a {@link ServletContext} in one call, from one
 * {@link Config}. Filters declared in {@code web.xml} and {@code isMatchAfter=false} mappings run
 * before the whole chain, unless it is mapped first ({@link Builder#matchAfter}). Within the
 * chain, the order, outermost first, and why:
 *
 * <ol>
 *   <li>{@link AccessLogFilter} — outermost, so its line has the final status and byte count of
 *       every answer from the chain or below it, the kit's own rejections and error bodies included,
 *       and the full duration.</li>
 *   <li>{@link SafeErrorFilter} — the error boundary: everything below it that throws or calls
 *       {@code sendError} ends as one problem+json body; it fixes the request id early.</li>
 *   <li>{@link SecurityHeadersFilter} — before any filter that can reject, so 4xx answers carry
 *       {@code nosniff}, frame denial and {@code no-store} too.</li>
 *   <li>{@link RateLimitFilter}(s) — before anything that costs work (body reading, key hashing):
 *       a client over its limit costs one bucket lookup, and key guessing is throttled.</li>
 *   <li>{@link RequestSizeLimitFilter} — before anything reads the body.</li>
 *   <li>{@link ApiKeyAuthFilter} (when configured) — after the limits, so brute force is throttled.</li>
 *   <li>{@link EnvironmentGateFilter} — last, so a hidden dev-only path passes exactly the same
 *       filters as an unknown path does (same 429, 413 or 401) and then answers the same 404: it
 *       cannot be told apart from a path that does not exist.</li>
 * </ol>
 *
 * <p>The chain is registered as one filter, {@value #FILTER_NAME}, that runs the members in this
 * order (each one exactly as if registered alone), mapped to {@code /*} for {@code REQUEST} and
 * {@code ASYNC} dispatches with async support: the container's per-filter overhead is paid once,
 * and the servlet's second run after {@code AsyncContext.dispatch()} is covered too. A second
 * registration, {@value #FILTER_NAME}{@code .errorPageGuard}, sees only {@code INCLUDE} and
 * {@code FORWARD} dispatches: it keeps Tomcat from including an application's error page in a
 * response that failed asynchronously after it was committed, and has an included servlet's
 * {@code sendError} ignored and a forwarded one's answered, and holds forwards and includes to the
 * chain's access rules and environment gate ({@link ErrorPageGuard}). On
 * Tomcat, map a servlet to {@code /} (its {@code DefaultServlet} or the app's own) so that an
 * unknown path reaches the chain and is answered as a problem, not by Tomcat's HTML page.
 */
public final class Hardening {
    private static final Logger LOG = LoggerFactory.getLogger(Hardening.class);
    /** The one filter registration the chain is installed as (see {@link FilterSequence}). */
    public static final String FILTER_NAME = "palisade";
    private static final String TOMCAT_WEBSOCKET_FILTER = "Tomcat WebSocket (JSR356) Filter";
    private static final String TOMCAT_WEBSOCKET_FILTER_CLASS = "org.apache.tomcat.websocket.server.WsFilter";
    /** The names and classes the containers register their WebSocket upgrade filters under. */
    private static final Set<String> WEBSOCKET_UPGRADE_FILTERS = Set.of(TOMCAT_WEBSOCKET_FILTER, TOMCAT_WEBSOCKET_FILTER_CLASS,
            "org.eclipse.jetty.ee10.websocket.servlet.WebSocketUpgradeFilter",
            "org.eclipse.jetty.ee11.websocket.servlet.WebSocketUpgradeFilter",
            "org.eclipse.jetty.ee9.websocket.servlet.WebSocketUpgradeFilter");
    private static final String GUARD_NAME = FILTER_NAME + ".errorPageGuard";
    /** Each context's installed sequence, for a restart that keeps the registration; see {@link #keptWhileStopped}. */
    private static final Map<ServletContext, WeakReference<FilterSequence>> SEQUENCES =
            Collections.synchronizedMap(new WeakHashMap<>());

    private Hardening() {
    }

    /**
     * A builder with the contract's defaults for every filter but authentication, and nothing read
     * from the environment: add {@link Builder#apiKeyAuth} (or use {@link #fromEnvironment(Function)},
     * whose chain always authenticates).
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder filled from environment variables (through {@code env}, normally
     * {@code System::getenv}): {@code ENV}, {@code REQUEST_SIZE_LIMIT_KB}, {@code RATE_LIMIT_RPS},
     * {@code RATE_LIMIT_BURST}, {@code RATE_LIMIT_ALLOWLIST}, {@code TRUSTED_PROXIES} and
     * {@code API_KEYS}. Bad values throw {@link InvalidSettingException} naming the variable and value.
     *
     * <p>Authentication is always part of the result, with {@code /health} public: with
     * {@code API_KEYS} unset or blank it has no keys, and every other request answers 401 (its
     * filter warns at start), because a forgotten variable must not open the service. An
     * application that authenticates in another way leaves it out on purpose:
     * {@code fromEnvironment(env).apiKeyAuth(null)}.
     */
    public static Builder fromEnvironment(Function<String, String> env) {
        return fromEnvironment(env, Environment.resolve(env));
    }

    /**
     * {@link #fromEnvironment(Function)} with the mode already resolved, for a server that
     * resolves {@code ENV} once and reports it (an unknown value is then warned about once).
     */
    public static Builder fromEnvironment(Function<String, String> env, Environment environment) {
        Settings settings = Settings.fromEnvironment(env);
        Builder builder = new Builder()
                .securityHeaders(SecurityHeadersFilter.Config.fromSettings(settings))
                .rateLimit(RateLimitFilter.Config.fromSettings(settings))
                .sizeLimit(RequestSizeLimitFilter.Config.fromSettings(settings))
                .environmentGate(EnvironmentGateFilter.Config.builder().environment(environment).build())
                .apiKeyAuth(withPublicHealth(ApiKeyAuthFilter.Config.fromSettings(settings)));
        return builder;
    }

    /**
     * {@code config} with {@code /health} and the paths below it public, as the rate limiter's
     * default allowlist has them: health probes carry no key, and rules (which could say so) have
     * no environment variable. Below it too: the limiter never limits {@code /health/x}, so a key
     * checked there could be guessed at without ever being slowed down.
     */
    private static ApiKeyAuthFilter.Config withPublicHealth(ApiKeyAuthFilter.Config config) {
        List<ApiKeyAuthFilter.Rule> rules = new ArrayList<>(config.rules());
        rules.add(new ApiKeyAuthFilter.Rule(null, "/health/*", ApiKeyAuthFilter.Access.PUBLIC, Set.of()));
        return new ApiKeyAuthFilter.Config(config.keys(), rules, config.realm());
    }

    /** Installs the chain configured from the process environment. */
    public static Installed install(ServletContext context) {
        return install(context, fromEnvironment(System::getenv).build());
    }

    /**
     * Installs the chain described by {@code config}, in the documented order.
     *
     * <p>Once per context start: a second call into the same running context throws
     * {@link IllegalStateException} and leaves the first chain as it was. A context that keeps its
     * registrations when stopped and runs its initializers again when started (Jetty's
     * {@code ServletContextHandler}) gets the new chain in the kept registration.
     *
     * @throws IllegalStateException when a filter named {@value #FILTER_NAME} or its guard's name is
     *         already registered with a class in the running context (a descriptor's class-less
     *         declaration, placing the chain, is completed)
     */
    public static Installed install(ServletContext context, Config config) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(config, "config");
        FilterSequence kept = keptWhileStopped(context);
        if (kept == null) {
            // Both names checked before either is added: a refusal must not leave half a chain serving.
            requireUnregistered(context, FILTER_NAME);
            requireUnregistered(context, GUARD_NAME);
        }
        AccessLogFilter accessLog = config.accessLog() == null ? null : new AccessLogFilter(config.accessLog());
        SafeErrorFilter safeError = new SafeErrorFilter();
        // The chain is mapped for every ASYNC dispatch on /* (see register): a failed task's cycle may be dispatched to end it.
        safeError.seesEveryAsyncDispatch();
        SecurityHeadersFilter headers = config.securityHeaders() == null ? null
                : new SecurityHeadersFilter(config.securityHeaders());
        List<RateLimitFilter> rateLimits = new ArrayList<>();
        for (RateLimitFilter.Config rate : config.rateLimits()) {
            rateLimits.add(new RateLimitFilter(rate));
        }
        RequestSizeLimitFilter size = config.sizeLimit() == null ? null : new RequestSizeLimitFilter(config.sizeLimit());
        ApiKeyAuthFilter auth = config.apiKeyAuth() == null ? null : new ApiKeyAuthFilter(config.apiKeyAuth());
        EnvironmentGateFilter gate = config.environmentGate() == null ? null
                : new EnvironmentGateFilter(config.environmentGate());

        List<String> names = new ArrayList<>();
        List<Filter> members = new ArrayList<>();
        addMember(names, members, "palisade.accessLog", accessLog);
        addMember(names, members, "palisade.safeError", safeError);
        addMember(names, members, "palisade.securityHeaders", headers);
        for (int i = 0; i < rateLimits.size(); i++) {
            addMember(names, members, "palisade.rateLimit." + (i + 1), rateLimits.get(i));
        }
        addMember(names, members, "palisade.requestSizeLimit", size);
        addMember(names, members, "palisade.apiKeyAuth", auth);
        addMember(names, members, "palisade.environmentGate", gate);
        for (String overlap : ChainOverlaps.find(config)) {
            LOG.warn("Palisade chain: {}", LogSafe.escape(overlap));
        }
        // On a restart the kept registration has the first install's own mapping too: ask the sequence.
        boolean placedByDescriptor = kept == null ? hasDescriptorMapping(context) : kept.mappedTwice();
        if (kept == null) {
            FilterSequence sequence = new FilterSequence(names, members, placedByDescriptor);
            // A descriptor that places the chain decides where it runs: Hardening's own mapping, for
            // the dispatches the descriptor's may leave out, must not come before it.
            register(context, FILTER_NAME, sequence, config.matchAfter() || placedByDescriptor);
            registerErrorPageGuard(context, sequence);
            SEQUENCES.put(context, new WeakReference<>(sequence));
        } else if (!kept.replaceWhileStopped(names, members)) {
            throw new IllegalStateException("A filter named " + FILTER_NAME + " is already registered");
        } else if (context.getFilterRegistration(GUARD_NAME) == null) {
            // Jetty keeps a descriptor's placement of the chain across a restart, but not the guard added in code.
            registerErrorPageGuard(context, kept);
        }
        for (String other : otherMembersRegistered(context)) {
            LOG.warn("Palisade chain: {}", LogSafe.escape(other));
        }
        if (!placedByDescriptor) {
            for (String upgrade : upgradeFiltersAhead(context, config.matchAfter())) {
                LOG.warn("Palisade chain: {}", LogSafe.escape(upgrade));
            }
        }
        Installed installed = new Installed(Optional.ofNullable(accessLog), safeError, Optional.ofNullable(headers),
                List.copyOf(rateLimits), Optional.ofNullable(size), Optional.ofNullable(auth), Optional.ofNullable(gate));
        LOG.info("Palisade chain installed: {}", installed.describe());
        return installed;
    }

    /**
     * The chain's sequence still registered in {@code context} from an earlier start, destroyed
     * since, or {@code null}. Kept by the container (the registration API cannot return a
     * registration's filter), so looked up here: weakly, so that neither an undeployed context nor
     * its filters stay reachable from this class when the jar is shared by several applications.
     */
    private static FilterSequence keptWhileStopped(ServletContext context) {
        FilterRegistration registered = context.getFilterRegistration(FILTER_NAME);
        if (registered == null || !FilterSequence.class.getName().equals(registered.getClassName())) {
            return null;
        }
        WeakReference<FilterSequence> reference = SEQUENCES.get(context);
        FilterSequence kept = reference == null ? null : reference.get();
        // A running one is refused below, before anything is built or logged, as any other name taken.
        return kept != null && kept.isStopped() ? kept : null;
    }

    /**
     * Palisade filters registered in {@code context} besides the chain (a descriptor's, or the
     * application's own): each runs too, with its own keys and limits, and what it answers gets
     * none of the chain's fields or access-log line.
     */
    private static List<String> otherMembersRegistered(ServletContext context) {
        List<String> found = new ArrayList<>();
        String ownPackage = Hardening.class.getPackageName() + ".";
        for (Map.Entry<String, ? extends FilterRegistration> entry : context.getFilterRegistrations().entrySet()) {
            String className = entry.getValue().getClassName();
            if (className != null && className.startsWith(ownPackage) && !entry.getKey().equals(FILTER_NAME)
                    && !entry.getKey().equals(GUARD_NAME)) {
                found.add("filter '" + entry.getKey() + "' (" + className.substring(ownPackage.length())
                        + ") is registered besides the chain: both apply, and its own answers get none of the chain's header fields");
            }
        }
        return found;
    }

    /**
     * The containers' WebSocket upgrade filters already registered: each answers a handshake itself,
     * so one mapped ahead of the chain lets every handshake past authentication, the rate limit and
     * the environment gate. Jetty's always is (it prepends its mapping whenever added); Tomcat's
     * when registered first. Not asked when a descriptor places the chain: its mapping then comes
     * first on Tomcat, and on Jetty a descriptor that also declares the upgrade filter may have put
     * it after the chain (a registration's place cannot be read through the Servlet API).
     */
    private static List<String> upgradeFiltersAhead(ServletContext context, boolean matchAfter) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, ? extends FilterRegistration> entry : context.getFilterRegistrations().entrySet()) {
            String name = entry.getKey();
            String className = entry.getValue().getClassName();
            // Tomcat maps its filter isMatchAfter=true: a chain matched before the others comes first anyway.
            boolean behindChain = !matchAfter && (TOMCAT_WEBSOCKET_FILTER.equals(name)
                    || TOMCAT_WEBSOCKET_FILTER_CLASS.equals(className));
            // A declaration not completed yet has no class (and Set.of refuses to look up null).
            boolean upgradeFilter = WEBSOCKET_UPGRADE_FILTERS.contains(name)
                    || className != null && WEBSOCKET_UPGRADE_FILTERS.contains(className);
            if (!behindChain && upgradeFilter) {
                found.add("the container's WebSocket filter '" + name + "' was registered before the chain and "
                        + "answers WebSocket handshakes ahead of it: no authentication, rate limit or environment gate "
                        + "applies to them (docs/filters.md, \"WebSocket endpoints and HTTP upgrades\")");
            }
        }
        return found;
    }

    private static void addMember(List<String> names, List<Filter> members, String name, Filter filter) {
        if (filter != null) {
            names.add(name);
            members.add(filter);
        }
    }

    /**
     * Whether a descriptor declared the chain's filter, without a class, with a mapping of its own:
     * the chain then runs where the first of its mappings puts it. Hardening's own mapping is still
     * added, for the dispatches the descriptor's may leave out (a mapping without
     * {@code <dispatcher>} is {@code REQUEST} only on Tomcat, and an async dispatch's failure would
     * meet Tomcat's error page); the sequence makes sure the members run once a dispatch.
     */
    private static boolean hasDescriptorMapping(ServletContext context) {
        FilterRegistration declared = context.getFilterRegistration(FILTER_NAME);
        return declared != null && (!declared.getUrlPatternMappings().isEmpty() || !declared.getServletNameMappings().isEmpty());
    }

    /**
     * Refuses a name a filter already has. A descriptor's declaration without a class (to place the
     * chain's mapping among its own filters) is not taken: {@code addFilter} completes it.
     */
    private static void requireUnregistered(ServletContext context, String name) {
        FilterRegistration registered = context.getFilterRegistration(name);
        if (registered != null && registered.getClassName() != null) {
            throw new IllegalStateException("A filter named " + name + " is already registered");
        }
    }

    private static FilterRegistration.Dynamic add(ServletContext context, String name, Filter filter) {
        FilterRegistration.Dynamic registration = context.addFilter(name, filter);
        if (registration == null) {
            throw new IllegalStateException("A filter named " + name + " is already registered");
        }
        return registration;
    }

    private static void register(ServletContext context, String name, Filter filter, boolean matchAfter) {
        FilterRegistration.Dynamic registration = add(context, name, filter);
        registration.setAsyncSupported(true);
        // ASYNC too: after AsyncContext.dispatch() the servlet runs again, and only the error boundary
        // can answer what it throws; the other members pass an ASYNC dispatch through.
        // By default matched after the filters web.xml declares and every isMatchAfter=false mapping:
        // infrastructure that must see the request first (Tomcat's RemoteIpFilter, a CORS filter,
        // request decompression) runs before the rate limit, authentication and the size count. The
        // error boundary then does not cover them; see ChainOrderTest and docs/filters.md.
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), matchAfter, "/*");
    }

    /**
     * {@link ErrorPageGuard} on its own registration, for {@code INCLUDE} and {@code FORWARD}
     * dispatches only: the chain's members never see them. (Jetty 12 applies the servlet-name
     * {@code "*"} mapping to every dispatch type: there each request passes through the guard, which
     * passes it on.)
     * First among the includes' filters, so that no filter of the application's writes the page's
     * first bytes.
     */
    private static void registerErrorPageGuard(ServletContext context, FilterSequence sequence) {
        FilterRegistration.Dynamic registration = add(context, GUARD_NAME, new ErrorPageGuard(sequence));
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.INCLUDE, DispatcherType.FORWARD), false, "/*");
        // A named dispatcher's include or forward matches no URL pattern. Liberty takes no "*" for
        // all servlets (it warns about it at each request): there, the servlets registered so far.
        String[] servletNames = Containers.isLiberty(context)
                ? context.getServletRegistrations().keySet().toArray(String[]::new) : new String[] {"*"};
        if (servletNames.length > 0) {
            registration.addMappingForServletNames(EnumSet.of(DispatcherType.INCLUDE, DispatcherType.FORWARD), false,
                    servletNames);
        }
    }

    /**
     * The whole chain's configuration. A {@code null} component leaves that filter out
     * ({@link SafeErrorFilter} is always installed); {@code rateLimits} may hold several limiters,
     * for instance a strict one scoped by {@code paths} and a looser general one. {@code matchAfter}
     * is the {@code isMatchAfter} the chain's mapping is added with (see {@link Builder#matchAfter}).
     */
    public record Config(AccessLogFilter.Config accessLog, SecurityHeadersFilter.Config securityHeaders,
            List<RateLimitFilter.Config> rateLimits, RequestSizeLimitFilter.Config sizeLimit,
            ApiKeyAuthFilter.Config apiKeyAuth, EnvironmentGateFilter.Config environmentGate, boolean matchAfter) {
        public Config {
            rateLimits = Settings.copyOf("rateLimits", rateLimits);
        }

        /** The chain mapped after the descriptor's filters and the {@code isMatchAfter=false} mappings. */
        public Config(AccessLogFilter.Config accessLog, SecurityHeadersFilter.Config securityHeaders,
                List<RateLimitFilter.Config> rateLimits, RequestSizeLimitFilter.Config sizeLimit,
                ApiKeyAuthFilter.Config apiKeyAuth, EnvironmentGateFilter.Config environmentGate) {
            this(accessLog, securityHeaders, rateLimits, sizeLimit, apiKeyAuth, environmentGate, true);
        }
    }

    /** Fills a {@link Config}; starts from the contract's defaults with every filter but authentication. */
    public static final class Builder {
        private AccessLogFilter.Config accessLog = AccessLogFilter.Config.builder().build();
        private SecurityHeadersFilter.Config securityHeaders = SecurityHeadersFilter.Config.defaults();
        private List<RateLimitFilter.Config> rateLimits = List.of(RateLimitFilter.Config.builder().build());
        private RequestSizeLimitFilter.Config sizeLimit = RequestSizeLimitFilter.Config.builder().build();
        private ApiKeyAuthFilter.Config apiKeyAuth;
        private EnvironmentGateFilter.Config environmentGate = EnvironmentGateFilter.Config.builder().build();
        private boolean matchAfter = true;

        private Builder() {
        }

        /** The access log's settings; {@code null} leaves the access log out. */
        public Builder accessLog(AccessLogFilter.Config config) {
            this.accessLog = config;
            return this;
        }

        /** The security header fields' settings; {@code null} leaves them out. */
        public Builder securityHeaders(SecurityHeadersFilter.Config config) {
            this.securityHeaders = config;
            return this;
        }

        /** One limiter for all requests (replaces any set before). */
        public Builder rateLimit(RateLimitFilter.Config config) {
            this.rateLimits = config == null ? List.of() : List.of(config);
            return this;
        }

        /** Several limiters, applied in order; each counts only the requests its {@code paths} select. */
        public Builder rateLimits(List<RateLimitFilter.Config> configs) {
            // Copied as given, a null entry included, for the Config to refuse naming the setting.
            this.rateLimits = configs == null ? List.of() : new ArrayList<>(configs);
            return this;
        }

        /** The body size limit's settings; {@code null} leaves the limit out. */
        public Builder sizeLimit(RequestSizeLimitFilter.Config config) {
            this.sizeLimit = config;
            return this;
        }

        /** Authentication's settings; {@code null} (this builder's default) leaves authentication out. */
        public Builder apiKeyAuth(ApiKeyAuthFilter.Config config) {
            this.apiKeyAuth = config;
            return this;
        }

        /** The environment gate's settings; {@code null} leaves the gate out. */
        public Builder environmentGate(EnvironmentGateFilter.Config config) {
            this.environmentGate = config;
            return this;
        }

        /**
         * The {@code isMatchAfter} of the chain's mapping; default {@code true}: the chain runs after
         * the filters {@code web.xml} declares and every {@code isMatchAfter=false} mapping, so that
         * infrastructure such as Tomcat's {@code RemoteIpFilter} sees the request first. With
         * {@code false} it runs before all of them but the {@code isMatchAfter=false} mappings added
         * earlier, before every mapping added later through the Servlet API (Spring Boot's filter
         * beans, registered after it) or with Jetty's {@code ServletContextHandler.addFilter} (as
         * Dropwizard adds its own), and before Tomcat's WebSocket filter: their answers then get the
         * chain's request id, header fields, access-log line and limits. A descriptor that places the
         * chain keeps its place. Not before it: Jetty's {@code WebSocketUpgradeFilter}, and a mapping
         * added through a Jetty {@code FilterHolder}'s own registration; on a restarted Jetty
         * {@code ServletContextHandler} the mapping of the first start is kept. See docs/filters.md.
         */
        public Builder matchAfter(boolean matchAfter) {
            this.matchAfter = matchAfter;
            return this;
        }

        /** The configuration, for {@link Hardening#install(ServletContext, Config)}. */
        public Config build() {
            return new Config(accessLog, securityHeaders, rateLimits, sizeLimit, apiKeyAuth, environmentGate, matchAfter);
        }
    }

    /** The filter instances installed, for metrics (their rejection counts) and inspection. */
    public record Installed(Optional<AccessLogFilter> accessLog, SafeErrorFilter safeError,
            Optional<SecurityHeadersFilter> securityHeaders, List<RateLimitFilter> rateLimits,
            Optional<RequestSizeLimitFilter> sizeLimit, Optional<ApiKeyAuthFilter> apiKeyAuth,
            Optional<EnvironmentGateFilter> environmentGate) {

        /** The filters in chain order, as short names. */
        public String describe() {
            List<String> names = new ArrayList<>();
            accessLog.ifPresent(f -> names.add("accessLog"));
            names.add("safeError");
            securityHeaders.ifPresent(f -> names.add("securityHeaders"));
            for (int i = 0; i < rateLimits.size(); i++) {
                names.add("rateLimit");
            }
            sizeLimit.ifPresent(f -> names.add("requestSizeLimit"));
            apiKeyAuth.ifPresent(f -> names.add("apiKeyAuth"));
            environmentGate.ifPresent(f -> names.add("environmentGate"));
            return String.join(" > ", names);
        }
    }
}
