package dev.palisade.filters;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-client token-bucket rate limit (Bucket4j). Each client has a bucket of {@code burst} tokens
 * refilled at {@code rps} per second; a request takes one token, and a request that finds the
 * bucket empty is answered {@code 429} with a problem body, {@code Retry-After} (whole seconds,
 * at least 1) and the IETF draft {@code RateLimit-Policy} / {@code RateLimit} fields. With
 * {@code quotaHeadersOnSuccess} allowed responses carry the same two fields, so well-behaved
 * clients can pace themselves; it is off by default because every header field costs every response.
 *
 * <p>Who "the client" is comes from a {@link ClientResolver}: by default the TCP peer, or with
 * {@code trustedProxies} the right-most untrusted {@code X-Forwarded-For} address (see
 * {@link ClientResolvers#forwardedFor}). Where buckets live is a {@link BucketStore}: in memory and
 * bounded by default ({@link InMemoryBucketStore}), or shared between processes
 * ({@link RedisBucketStore}). Requests under {@code allowlist} prefixes are never limited;
 * {@code paths}, when set, restricts the limit to the routes listed.
 *
 * <p><b>Ordering.</b> Place it early: before authentication, body parsing and anything
 * expensive, so a client over its limit costs one map lookup; after the request-id and
 * error-shaping filters, so its 429 carries the request id. Do not place a filter that rewrites
 * {@code getRemoteAddr()} from headers (Tomcat's {@code RemoteIpFilter}) in front of it unless
 * that filter's own trust list is right: this filter would then trust whatever it produced.
 *
 * <p>If a shared store cannot answer, it must not take the service down: {@link RedisBucketStore}
 * then decides with the process's own buckets, and a custom {@link BucketStore} that throws has its
 * request let through. Either way the failures are counted ({@link #storeFailureCount()}) and logged
 * as counts.
 */
public final class RateLimitFilter implements Filter {
    public static final String RATE_LIMIT_POLICY = "RateLimit-Policy";
    public static final String RATE_LIMIT = "RateLimit";
    static final Set<String> INIT_PARAMS = Set.of("rps", "burst", "paths", "allowlist", "trustedProxies", "maxClients",
            "quotaHeadersOnSuccess", "ipv6Prefix");
    static final double DEFAULT_RPS = 2;
    static final long DEFAULT_BURST = 10;
    static final List<String> DEFAULT_ALLOWLIST = List.of("/health");

    /** The longest client key the store keeps as it is; see {@link #boundedKey}. */
    static final int MAX_KEY_LENGTH = 64;
    /**
     * The key spaces of the store: what a custom resolver returns, as it is or as its digest, apart
     * from each other and from peer addresses (which never start with a letter and a colon), so a
     * client that writes its own key cannot name another's bucket.
     */
    private static final String RESOLVED_KEY_PREFIX = "k:";
    private static final String LONG_KEY_PREFIX = "h:";
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitFilter.class);

    private final Config programmatic;
    private final BucketStore.Factory storeOverride;
    private final Function<String, String> env;
    /** The filter's name (log-safe), in its count lines: several limiters share this class's logger. */
    private volatile String name = "RateLimitFilter";
    private final RejectionLog rejections = new RejectionLog(LOG, "Rejected", "requests over the rate limit (429)",
            () -> " by " + name);
    private final ForwardedPeerCheck forwardedPeer = new ForwardedPeerCheck(LOG);
    private final RejectionLog storeFailures = new RejectionLog(LOG, "Let through",
            "requests whose rate-limit check failed in the bucket store", () -> " by " + name);

    private volatile Limiter limiter;
    private final ConnectionAbort.Known abort = new ConnectionAbort.Known();

    /** Configured in {@link #init} from init-params and the environment. */
    public RateLimitFilter() {
        this(null, null, System::getenv);
    }

    /** Configured in code; an init-param given to it fails {@code init()}. */
    public RateLimitFilter(Config config) {
        this(requireConfig(config), null, key -> null);
    }

    /** Settings from init-params and the environment, buckets in the store {@code store} makes (Redis, say). */
    public RateLimitFilter(BucketStore.Factory store) {
        this(null, java.util.Objects.requireNonNull(store, "store"), System::getenv);
    }

    RateLimitFilter(Function<String, String> env) {
        this(null, null, env);
    }

    private RateLimitFilter(Config programmatic, BucketStore.Factory storeOverride, Function<String, String> env) {
        this.programmatic = programmatic;
        this.storeOverride = storeOverride;
        this.env = env;
        if (programmatic != null) {
            this.limiter = new Limiter(programmatic);
        }
    }

    private static Config requireConfig(Config config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        return config;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        String name = filterConfig.getFilterName();
        try {
            Config config = programmatic;
            if (config == null) {
                config = Config.fromSettings(Settings.from(filterConfig, INIT_PARAMS, env));
                if (storeOverride != null) {
                    config = config.toBuilder().store(storeOverride).build();
                }
            } else {
                Settings.requireNoInitParams(filterConfig);
            }
            Limiter built = programmatic != null && limiter != null ? limiter : new Limiter(config);
            abort.learn(filterConfig.getServletContext());
            String contextPath = filterConfig.getServletContext().getContextPath();
            PathSettingChecks.warnContextPath(LOG, name, contextPath, "paths", config.paths());
            PathSettingChecks.warnContextPath(LOG, name, contextPath, "allowlist", config.allowlist());
            PathSettingChecks.warnUnknownMethods(LOG, name, "paths", config.paths());
            this.name = LogSafe.escape(name);
            this.limiter = built;
            LOG.info("{}: {} per client ({}), allowlist {}, {} trusted proxy network(s), {}, {}",
                    LogSafe.escape(name), built.quota, config.paths().isEmpty() ? "all requests" : "on " + config.paths(),
                    config.allowlist(), config.trustedProxies().size(), config.clientResolver() != null
                            ? "custom client resolver" : "IPv6 clients by /" + config.ipv6Prefix(),
                    built.store.getClass().getSimpleName());
        } catch (InvalidSettingException e) {
            LOG.error("{}", e.getMessage());
            throw new ServletException(name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        if (QuarkusConnection.dropsRequest(req)) {
            return;
        }
        Limiter rt = limiter;
        if (rt == null) {
            // Fail closed: a framework that calls doFilter without init() would otherwise limit nothing.
            throw new ServletException("RateLimitFilter used before init()");
        }
        rejections.flushIfDue();
        storeFailures.flushIfDue();
        // An ASYNC dispatch is the same request again, counted on its REQUEST dispatch.
        if (req.getDispatcherType() != DispatcherType.REQUEST
                || !(req instanceof HttpServletRequest request) || !(resp instanceof HttpServletResponse response)) {
            chain.doFilter(req, resp);
            return;
        }
        String path = RequestPaths.mapped(request);
        String method = request.getMethod();
        if (rt.isExempt(request, method, path) || !rt.isInScope(request, method, path)) {
            chain.doFilter(request, response);
            return;
        }
        forwardedPeer.sample(request);
        String resolved = rt.resolver.resolve(request);
        String client = resolved == null ? IpAddress.clientKey(request.getRemoteAddr()) : boundedKey(resolved);
        ConsumptionProbe probe;
        try {
            probe = rt.store.tryConsume(client);
        } catch (RuntimeException e) {
            storeFailures.record();
            LOG.debug("Bucket store failed; request let through", e);
            chain.doFilter(request, response);
            return;
        }
        if (probe.isConsumed()) {
            if (rt.quotaHeadersOnSuccess) {
                response.setHeader(RATE_LIMIT_POLICY, rt.quota.policyField());
                response.setHeader(RATE_LIMIT, Quota.rateLimitField(probe.getRemainingTokens(),
                        probe.getNanosToWaitForReset()));
            }
            chain.doFilter(request, response);
            return;
        }
        rejections.record();
        long retryAfter = Math.max(1, Quota.ceilSeconds(probe.getNanosToWaitForRefill()));
        ProblemResponse.of(429)
                .withHeader("Retry-After", Long.toString(retryAfter))
                .withHeader(RATE_LIMIT_POLICY, rt.quota.policyField())
                .withHeader(RATE_LIMIT, Quota.rateLimitField(0, probe.getNanosToWaitForReset()))
                .sendLeavingBodyUnread(request, response, abort.of(request));
    }

    /**
     * A resolved {@code key} as the store keeps it: {@code k:} and the key, up to
     * {@value #MAX_KEY_LENGTH} characters, else {@code h:} and its SHA-256. A resolver may key on
     * anything the client sends (a header, a token), and the store's memory bound counts clients,
     * not bytes: unbounded, 100,000 keys of 8 KiB each would hold 800 MB. A digest keeps distinct
     * long keys distinct, unlike a cut.
     */
    static String boundedKey(String key) {
        if (key.length() <= MAX_KEY_LENGTH) {
            return RESOLVED_KEY_PREFIX + key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return LONG_KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256.
            throw new IllegalStateException(e);
        }
    }

    /** Requests answered 429 since start. */
    public long rejectedCount() {
        return rejections.total();
    }

    /**
     * Rate-limit checks the bucket store could not make as configured: those where it failed (the
     * request let through) and those a shared store made with this process's buckets alone because
     * its shared state did not answer ({@link BucketStore#failureCount()}).
     */
    public long storeFailureCount() {
        Limiter rt = limiter;
        return storeFailures.total() + (rt == null ? 0 : rt.store.failureCount());
    }

    @Override
    public void destroy() {
        rejections.flush();
        storeFailures.flush();
        Limiter rt = limiter;
        if (rt != null) {
            rt.store.flush();
        }
    }

    /** The decision machinery built from one {@link Config}. */
    private static final class Limiter {
        final Quota quota;
        final BucketStore store;
        final ClientResolver resolver;
        final PathRules scope;
        /** The scope with its paths case-folded, for a router that ignores case. */
        final PathRules foldedScope;
        final boolean scopeHasCapitals;
        final PathRules allowlist;
        final boolean quotaHeadersOnSuccess;

        Limiter(Config config) {
            this.quotaHeadersOnSuccess = config.quotaHeadersOnSuccess();
            this.quota = new Quota(config.rps(), config.burst());
            this.store = config.store() == null
                    ? new InMemoryBucketStore(quota, config.maxClients(), config.clock())
                    : config.store().create(quota, config.clock());
            this.resolver = config.clientResolver() != null
                    ? config.clientResolver()
                    : ClientResolvers.forwardedFor(config.trustedProxies(), config.ipv6Prefix());
            this.scope = config.paths().isEmpty() ? null : PathRules.scope("paths", config.paths());
            this.foldedScope = scope == null ? null : scope.folded();
            this.scopeHasCapitals = scope != null && scope.hasCasedPaths();
            this.allowlist = PathRules.prefixes("allowlist", config.allowlist());
        }

        /**
         * Never limited: only when the path is allowlisted in every view of it (see
         * {@link RequestPaths}): the container's, and, when the raw URI is not plain, the raw URI as
         * it came and normalised ({@code /api/files/../../health} is {@code /health} to the container
         * and a files route to a router matching segments as they came). The raw views are only
         * worked out for a request the container's path allowlists.
         */
        boolean isExempt(HttpServletRequest request, String method, String path) {
            if (!allowlist.matches(method, path)) {
                return false;
            }
            String literal = RequestPaths.literal(request);
            if (literal == null) {
                // A plain URI has no other view; one with a malformed escape has none to trust.
                String uri = request.getRequestURI();
                return uri == null || RequestPaths.isPlain(uri, 0);
            }
            String normalized = RequestPaths.normalizedRaw(request);
            return allowlist.matches(method, literal) && normalized != null && allowlist.matches(method, normalized);
        }

        /**
         * Limited: when any view of the path is in scope, or is with one trailing slash less, for
         * a router that ignores it, or in another case, for a router that ignores case (as the
         * environment gate and authentication's rules do). Counting a request the application does
         * not route there costs little; missing one it does would let it through unlimited. The
         * raw views are only worked out for a request the container's path leaves out of scope.
         */
        boolean isInScope(HttpServletRequest request, String method, String path) {
            if (scope == null || inScopeOrWithoutSlash(scope, method, path)) {
                return true;
            }
            String literal = RequestPaths.literal(request);
            if (literal == null) {
                return inFoldedScope(method, path);
            }
            if (inScopeOrWithoutSlash(scope, method, literal)) {
                return true;
            }
            String normalized = RequestPaths.normalizedRaw(request);
            if (normalized != null && inScopeOrWithoutSlash(scope, method, normalized)) {
                return true;
            }
            return inFoldedScope(method, path) || inFoldedScope(method, literal)
                    || normalized != null && inFoldedScope(method, normalized);
        }

        private boolean inFoldedScope(String method, String view) {
            String folded = Chars.foldCase(view);
            // Nothing new to compare when neither the path nor any rule has a capital.
            return (folded != view || scopeHasCapitals) && inScopeOrWithoutSlash(foldedScope, method, folded);
        }

        private static boolean inScopeOrWithoutSlash(PathRules rules, String method, String path) {
            if (rules.matches(method, path)) {
                return true;
            }
            String shorter = RequestPaths.withoutTrailingSlash(path);
            return shorter != null && rules.matches(method, shorter);
        }
    }

    /**
     * The filter's settings.
     *
     * @param rps tokens refilled per second, fractions allowed (init-param {@code rps}, env {@code RATE_LIMIT_RPS}; 2)
     * @param burst bucket capacity (init-param {@code burst}, env {@code RATE_LIMIT_BURST}; 10)
     * @param paths routes limited: {@code METHOD /path}, {@code /path}, {@code /prefix/*}; empty = all requests
     * @param allowlist path prefixes never limited (init-param {@code allowlist}, env {@code RATE_LIMIT_ALLOWLIST}; {@code /health})
     * @param trustedProxies peers whose {@code X-Forwarded-For} is believed (init-param {@code trustedProxies}, env {@code TRUSTED_PROXIES}; none)
     * @param clientResolver a custom client identity; {@code null} derives it from {@code trustedProxies}. Not both.
     * @param maxClients the in-memory store's cap on tracked clients (init-param {@code maxClients}; 100,000)
     * @param clock Bucket4j time source, also the store's idle clock (tests pass a fake one)
     * @param store makes the bucket store; {@code null} = bounded in-memory
     * @param quotaHeadersOnSuccess the quota fields on allowed responses too (init-param {@code quotaHeadersOnSuccess}; false)
     * @param ipv6Prefix the network, 32 to 64 bits, by which an IPv6 client is known (init-param
     *     {@code ipv6Prefix}; 64); for the built-in resolvers, so not with a {@code clientResolver}
     */
    public record Config(double rps, long burst, List<String> paths, List<String> allowlist,
            List<Cidr> trustedProxies, ClientResolver clientResolver, int maxClients, TimeMeter clock,
            BucketStore.Factory store, boolean quotaHeadersOnSuccess, int ipv6Prefix) {

        public Config {
            new Quota(rps, burst);
            paths = Settings.copyOf("paths", paths);
            allowlist = Settings.copyOf("allowlist", allowlist);
            trustedProxies = ClientResolvers.requireProxyNetworks(Settings.copyOf("trustedProxies", trustedProxies));
            PathRules.scope("paths", paths);
            PathRules.prefixes("allowlist", allowlist);
            if (clientResolver != null && !trustedProxies.isEmpty()) {
                throw new InvalidSettingException("clientResolver",
                        "Set either trustedProxies or a clientResolver, not both (a custom resolver decides trust itself)");
            }
            if (maxClients < 1) {
                throw InvalidSettingException.badValue("maxClients", Integer.toString(maxClients), "a whole number >= 1");
            }
            ClientResolvers.checkedPrefix(ipv6Prefix);
            if (clientResolver != null && ipv6Prefix != IpAddress.IPV6_CLIENT_PREFIX) {
                throw new InvalidSettingException("clientResolver",
                        "Set either ipv6Prefix or a clientResolver, not both (a custom resolver decides identity itself)");
            }
            if (clock == null) {
                clock = TimeMeter.SYSTEM_NANOTIME;
            }
        }

        /** A builder with the contract's defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these settings, to change some of them. */
        public Builder toBuilder() {
            return new Builder().rps(rps).burst(burst).paths(paths).allowlist(allowlist)
                    .trustedProxies(trustedProxies).clientResolver(clientResolver).maxClients(maxClients)
                    .clock(clock).store(store).quotaHeadersOnSuccess(quotaHeadersOnSuccess).ipv6Prefix(ipv6Prefix);
        }

        static Config fromSettings(Settings s) {
            double rps = s.positiveDouble("rps", "RATE_LIMIT_RPS", DEFAULT_RPS);
            if (rps > Quota.MAX_RPS) {
                Settings.Source source = s.raw("rps", "RATE_LIMIT_RPS").orElseThrow();
                throw InvalidSettingException.badValue(source.key(), source.value().trim(), "a number > 0 and <= 1000000");
            }
            Builder b = builder()
                    .rps(rps)
                    .burst(s.positiveLong("burst", "RATE_LIMIT_BURST", DEFAULT_BURST, Quota.MAX_BURST))
                    .maxClients((int) s.positiveLong("maxClients", null, InMemoryBucketStore.DEFAULT_MAX_CLIENTS,
                            Integer.MAX_VALUE))
                    .quotaHeadersOnSuccess(s.bool("quotaHeadersOnSuccess", null, false))
                    .ipv6Prefix((int) s.positiveLong("ipv6Prefix", null, IpAddress.IPV6_CLIENT_PREFIX, IpAddress.IPV6_CLIENT_PREFIX));
            Optional<Settings.Source> paths = s.raw("paths", null);
            if (paths.isPresent()) {
                List<String> items = Settings.split(paths.get().value());
                PathRules.scope(paths.get().key(), items);
                b.paths(items);
            }
            Optional<Settings.Source> allow = s.raw("allowlist", "RATE_LIMIT_ALLOWLIST");
            if (allow.isPresent()) {
                List<String> items = Settings.split(allow.get().value());
                PathRules.prefixes(allow.get().key(), items);
                b.allowlist(items);
            }
            Optional<Settings.Source> proxies = s.raw("trustedProxies", "TRUSTED_PROXIES");
            if (proxies.isPresent()) {
                b.trustedProxies(Cidr.parseAll(proxies.get().key(), Settings.split(proxies.get().value())));
            }
            try {
                return b.build();
            } catch (InvalidSettingException e) {
                // Each value was in range alone; together they are not (a rate too small for the burst),
                // or a list's item is not acceptable as a whole (a proxy network of every address).
                Optional<Settings.Source> written = "burst".equals(e.key()) ? s.raw("burst", "RATE_LIMIT_BURST")
                        : "trustedProxies".equals(e.key()) ? proxies : s.raw("rps", "RATE_LIMIT_RPS");
                throw written.map(src -> e.as(src.key(), src.value().trim())).orElse(e);
            }
        }

    }

    /** Builds a {@link Config}; unset fields take the defaults of the table above. */
    public static final class Builder {
        private double rps = DEFAULT_RPS;
        private long burst = DEFAULT_BURST;
        private List<String> paths = List.of();
        private List<String> allowlist = DEFAULT_ALLOWLIST;
        private List<Cidr> trustedProxies = List.of();
        private ClientResolver clientResolver;
        private int maxClients = InMemoryBucketStore.DEFAULT_MAX_CLIENTS;
        private TimeMeter clock = TimeMeter.SYSTEM_NANOTIME;
        private BucketStore.Factory store;
        private boolean quotaHeadersOnSuccess;
        private int ipv6Prefix = IpAddress.IPV6_CLIENT_PREFIX;

        private Builder() {
        }

        /** Tokens refilled per second, fractions allowed (0.5 = one request every 2 s); 2 by default. */
        public Builder rps(double rps) {
            this.rps = rps;
            return this;
        }

        /** The bucket's capacity: requests a client may make at once after a quiet spell; 10 by default. */
        public Builder burst(long burst) {
            this.burst = burst;
            return this;
        }

        // The lists are copied as given (a null entry included, for build() to name): a caller's
        // later change to its own list must not reach the configuration.
        /**
         * The requests this limiter counts: {@code METHOD /path}, {@code /path} or {@code /prefix/*};
         * none (the default) = all requests. Replaces any set before.
         */
        public Builder paths(List<String> paths) {
            this.paths = paths == null ? null : new ArrayList<>(paths);
            return this;
        }

        /** {@link #paths(List)}. */
        public Builder paths(String... paths) {
            return paths(paths == null ? null : Arrays.asList(paths));
        }

        /** Path prefixes never limited; {@code /health} by default, none when given none. Replaces any set before. */
        public Builder allowlist(List<String> allowlist) {
            this.allowlist = allowlist == null ? null : new ArrayList<>(allowlist);
            return this;
        }

        /** {@link #allowlist(List)}. */
        public Builder allowlist(String... allowlist) {
            return allowlist(allowlist == null ? null : Arrays.asList(allowlist));
        }

        /**
         * The proxies whose {@code X-Forwarded-For} is believed (the client is then its right-most
         * untrusted entry); none by default. Not with {@link #clientResolver}.
         */
        public Builder trustedProxies(List<Cidr> trustedProxies) {
            this.trustedProxies = trustedProxies == null ? null : new ArrayList<>(trustedProxies);
            return this;
        }

        /** Parses each CIDR; a bad one fails naming {@code trustedProxies} and the value. */
        public Builder trustedProxies(String... cidrs) {
            return trustedProxies(cidrs == null ? List.of() : Cidr.parseAll("trustedProxies", Arrays.asList(cidrs)));
        }

        /**
         * Who a request counts against, in place of the built-in resolvers (the peer address, or
         * {@code X-Forwarded-For} from {@link #trustedProxies}); {@code null} for those.
         */
        public Builder clientResolver(ClientResolver clientResolver) {
            this.clientResolver = clientResolver;
            return this;
        }

        /**
         * The in-memory store's cap on clients it keeps a bucket for (100,000 by default); past it the
         * least recently seen are dropped. Ignored with a {@link #store} of another kind.
         */
        public Builder maxClients(int maxClients) {
            this.maxClients = maxClients;
            return this;
        }

        /**
         * The buckets' clock; {@code System.nanoTime} by default. A Redis store stamps the shared
         * buckets with this clock if it is wall-clock based, else with {@code System.currentTimeMillis}.
         * In-memory buckets follow any clock forwards only: a wall clock stepped back by more than
         * 5 s is taken as a new starting point, not waited for.
         */
        public Builder clock(TimeMeter clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Whether allowed responses carry {@code RateLimit-Policy} and {@code RateLimit} too (a 429
         * always does). Off by default: two more header fields on every response cost a small GET
         * measurably (docs/benchmarks.md), and most clients only need them when refused.
         */
        public Builder quotaHeadersOnSuccess(boolean on) {
            this.quotaHeadersOnSuccess = on;
            return this;
        }

        /**
         * Where the buckets live ({@link RedisBucketStore#lettuce} for several processes);
         * {@code null}, the default, for the bounded in-memory store.
         */
        public Builder store(BucketStore.Factory store) {
            this.store = store;
            return this;
        }

        /**
         * The network, 32 to 64 bits, by which an IPv6 client is known (64 by default: an end site
         * holds at least a /64). Shorter where sites get a /56 or a /48 and each should have one
         * budget, not 256 or 65,536; the cost is that neighbours within it share one.
         */
        public Builder ipv6Prefix(int ipv6Prefix) {
            this.ipv6Prefix = ipv6Prefix;
            return this;
        }

        /** @throws InvalidSettingException naming the first setting that cannot be used, and its value */
        public Config build() {
            return new Config(rps, burst, paths, allowlist, trustedProxies, clientResolver, maxClients, clock, store,
                    quotaHeadersOnSuccess, ipv6Prefix);
        }
    }
}
