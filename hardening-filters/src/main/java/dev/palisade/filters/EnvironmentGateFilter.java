package dev.palisade.filters;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hides dev-only routes (test endpoints, debug traces) in prod: a request to one of
 * {@code devOnlyPaths} answers exactly what an unknown path answers —
 * {@code ProblemResponse.of(404)} — and the rest of the chain never runs, so a prober cannot tell
 * the route exists. In dev the filter passes everything through.
 *
 * <p>The mode comes from {@link Environment} ({@code ENV}); anything not clearly dev is prod.
 * Paths are exact ({@code /api/qna}) or prefixes ({@code /api/debug/*}, which also covers
 * {@code /api/debug}), compared without case and without a trailing slash against both the
 * container's mapping path and the normalised raw URI, so {@code ;jsessionid=}, {@code %2F},
 * {@code //}, {@code /./}, {@code ..} and case tricks cannot reach a dev route.
 *
 * <p>Ordering: register it before any filter or servlet that could act on a dev route, but after
 * the filters that may reject a request (rate limit, size limit, authentication), as
 * {@link Hardening} does: then a hidden path answers exactly as an unknown path does, 401 and 429
 * included. Register it for the {@code REQUEST} and {@code ASYNC} dispatches (an
 * {@code AsyncContext.dispatch(path)} is gated too) — add {@code FORWARD} and {@code INCLUDE} if the
 * application forwards to or includes paths it did not choose itself: a forward to a dev-only path
 * then answers 404, an include of one adds nothing ({@link Hardening}'s chain gates forwards and
 * includes with a guard of its own). The 404 it writes carries the request id; an
 * application's own unknown-path answer must also be {@code ProblemResponse.of(404)} for the two
 * to be indistinguishable.
 */
public final class EnvironmentGateFilter implements Filter {
    static final String DEV_ONLY_PATHS = "devOnlyPaths";
    static final Set<String> INIT_PARAMS = Set.of(DEV_ONLY_PATHS);

    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentGateFilter.class);

    private final Config preset;
    private final Function<String, String> env;
    private final RejectionLog rejections = new RejectionLog(LOG, "requests to dev-only paths in prod (404)");
    private volatile Config config;
    private volatile PathPatterns patterns = PathPatterns.NONE;
    /** How an answer that leaves a body unread ends the connection: as the application's own 404 does. */
    private final ConnectionAbort.Known abort = new ConnectionAbort.Known();

    /** Configured in {@code init()} from the {@code devOnlyPaths} init-param and {@code ENV}. */
    public EnvironmentGateFilter() {
        this(null, System::getenv);
    }

    /** Configured by code; an init-param given to it fails {@code init()}. */
    public EnvironmentGateFilter(Config config) {
        this(Objects.requireNonNull(config, "config"), System::getenv);
    }

    EnvironmentGateFilter(Function<String, String> env) {
        this(null, env);
    }

    private EnvironmentGateFilter(Config preset, Function<String, String> env) {
        this.preset = preset;
        this.env = env;
        if (preset != null) {
            apply(preset);
        }
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        Config chosen = preset;
        try {
            if (chosen == null) {
                chosen = Config.fromSettings(Settings.from(filterConfig, INIT_PARAMS, env));
            } else {
                Settings.requireNoInitParams(filterConfig);
            }
        } catch (InvalidSettingException e) {
            LOG.error("{}", e.getMessage());
            throw new ServletException(filterConfig.getFilterName() + ": " + e.getMessage(), e);
        }
        apply(chosen);
        abort.learn(filterConfig.getServletContext());
        PathSettingChecks.warnContextPath(LOG, filterConfig.getFilterName(),
                filterConfig.getServletContext().getContextPath(), DEV_ONLY_PATHS, chosen.devOnlyPaths());
        LOG.info("{}: mode {}, dev-only paths {}", LogSafe.escape(filterConfig.getFilterName()),
                chosen.mode().label(), chosen.devOnlyPaths().isEmpty() ? "none" : chosen.devOnlyPaths());
    }

    private void apply(Config chosen) {
        // Patterns first: doFilter takes a set config as the sign that the filter is ready.
        this.patterns = new PathPatterns(chosen.devOnlyPaths());
        this.config = chosen;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (QuarkusConnection.dropsRequest(request)) {
            return;
        }
        Config current = config;
        if (current == null) {
            // Fail closed: a framework that calls doFilter without init() would otherwise expose every dev-only path.
            throw new ServletException("EnvironmentGateFilter used before init()");
        }
        rejections.flushIfDue();
        DispatcherType type = request.getDispatcherType();
        if ((type == DispatcherType.INCLUDE || type == DispatcherType.FORWARD
                && ErrorCapturingResponse.currentDispatch() == DispatcherType.INCLUDE)
                && request instanceof HttpServletRequest included) {
            // Mapped for includes: an include of a dev-only path (or a forward to one inside an
            // include, which cannot change the page's status) adds nothing, as one of an unknown path.
            if (hidesDispatch(included)) {
                return;
            }
            if (type == DispatcherType.INCLUDE) {
                ErrorCapturingResponse.include(chain, request, response);
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        if (current.mode() == Environment.Mode.PROD && !patterns.isEmpty()
                && request instanceof HttpServletRequest http && response instanceof HttpServletResponse httpResponse
                && isDevOnly(http)) {
            rejections.record();
            // As SafeErrorFilter answers an unknown path's sendError(404) (the body read and dropped,
            // or the connection closed; after an async dispatch of a committed response, the
            // connection broken), so that the two cannot be told apart.
            if (http.getDispatcherType() == DispatcherType.ASYNC) {
                ProblemResponse.of(404).sendRefusingAsyncDispatch(http, httpResponse, abort.of(http));
            } else {
                ProblemResponse.of(404).sendAfterApplication(http, httpResponse, abort.of(http), true);
            }
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean isDevOnly(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        if (uri != null && context != null && uri.startsWith(context) && RequestPaths.isPlain(uri, context.length())) {
            // Nothing to decode, strip or resolve: the raw path is the path the container routes,
            // so one comparison without allocation decides (the common case, on every request).
            return patterns.matchesPlain(uri, context.length());
        }
        String routed = RequestPaths.routed(request);
        if (routed != null && patterns.matches(routed)) {
            return true;
        }
        String raw = RequestPaths.normalizedRaw(request);
        if (raw != null && patterns.matches(raw)) {
            return true;
        }
        // A router matching the raw URI as it came sends /api/debug/../x to the debug route.
        String literal = RequestPaths.literal(request);
        return literal != null && patterns.matches(literal);
    }

    /**
     * Whether a {@code FORWARD} or {@code INCLUDE} dispatch made by the application targets a
     * dev-only path in prod (counted as hidden if so): {@link Hardening}'s chain runs on requests
     * and async dispatches only, and its guard for forwards and includes asks this, so that an
     * alias forwarding {@code /legacy/*} to {@code /api/*}, or a page including a fragment it was
     * asked for, cannot reach a dev-only route. A forward's request reports the target's paths; an
     * include's are in its {@code jakarta.servlet.include.*} attributes.
     */
    boolean hidesDispatch(HttpServletRequest request) {
        Config current = config;
        if (current == null || current.mode() != Environment.Mode.PROD || patterns.isEmpty()) {
            return false;
        }
        boolean hidden = request.getDispatcherType() == DispatcherType.INCLUDE ? isDevOnlyInclude(request)
                : isDevOnly(request);
        if (hidden) {
            rejections.record();
        }
        return hidden;
    }

    private boolean isDevOnlyInclude(HttpServletRequest request) {
        DispatchTarget target = DispatchTarget.of(request);
        if (target.mapped() != null && patterns.matches(target.mapped())) {
            return true;
        }
        String raw = target.uri();
        String context = request.getContextPath();
        if (raw == null || context == null || !raw.startsWith(context)) {
            return false;
        }
        String normalized = RequestPaths.normalize(raw.substring(context.length()));
        return normalized != null && patterns.matches(normalized);
    }

    /** Number of requests hidden since start (for metrics). */
    public long blockedCount() {
        return rejections.total();
    }

    @Override
    public void destroy() {
        rejections.flush();
    }

    /**
     * The gate's settings.
     *
     * @param mode dev passes everything; prod hides {@code devOnlyPaths}
     * @param devOnlyPaths exact paths or {@code /prefix/*}, each starting with {@code /}
     */
    public record Config(Environment.Mode mode, List<String> devOnlyPaths) {
        public Config {
            if (mode == null) {
                throw new InvalidSettingException("mode", "EnvironmentGateFilter mode must be DEV or PROD, not null");
            }
            devOnlyPaths = Settings.copyOf(DEV_ONLY_PATHS, devOnlyPaths);
            for (String path : devOnlyPaths) {
                PathPatterns.validate(DEV_ONLY_PATHS, path);
            }
        }

        /** A builder for prod with no dev-only paths. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these settings, to change some of them. */
        public Builder toBuilder() {
            return new Builder().mode(mode).devOnlyPaths(devOnlyPaths);
        }

        static Config fromSettings(Settings settings) {
            Environment environment = Environment.fromValue(
                    settings.raw(null, Environment.VARIABLE).map(Settings.Source::value).orElse(null));
            return new Config(environment.mode(), settings.list(DEV_ONLY_PATHS, null, List.of()));
        }
    }

    /** Builds a {@link Config}; the mode defaults to prod and the paths to none. */
    public static final class Builder {
        private Environment.Mode mode = Environment.Mode.PROD;
        private final List<String> paths = new ArrayList<>();

        private Builder() {
        }

        /** Dev passes every request; prod (the default) hides the dev-only paths. */
        public Builder mode(Environment.Mode mode) {
            this.mode = mode;
            return this;
        }

        /** Takes the mode of an already resolved environment, so the app decides it in one place. */
        public Builder environment(Environment environment) {
            if (environment == null) {
                throw new InvalidSettingException("environment", "EnvironmentGateFilter environment must not be null");
            }
            this.mode = environment.mode();
            return this;
        }

        /** Adds paths that answer 404 in prod: exact ({@code /api/qna}) or a prefix ({@code /api/debug/*}). */
        public Builder devOnlyPaths(String... devOnlyPaths) {
            return devOnlyPaths(devOnlyPaths == null ? List.of() : Arrays.asList(devOnlyPaths));
        }

        /** {@link #devOnlyPaths(String...)}. */
        public Builder devOnlyPaths(Collection<String> devOnlyPaths) {
            if (devOnlyPaths != null) {
                this.paths.addAll(devOnlyPaths);
            }
            return this;
        }

        /** @throws InvalidSettingException naming the first setting that cannot be used, and its value */
        public Config build() {
            return new Config(mode, paths);
        }
    }

    /** Exact paths and {@code /prefix/*} patterns, pre-folded to the comparable form. */
    static final class PathPatterns {
        static final PathPatterns NONE = new PathPatterns(List.of());

        private final Set<String> exact = new HashSet<>();
        private final List<String> prefixes = new ArrayList<>();

        PathPatterns(List<String> patterns) {
            for (String pattern : patterns) {
                if (pattern.endsWith("/*")) {
                    String prefix = RequestPaths.comparable(pattern.substring(0, pattern.length() - 2));
                    prefixes.add(prefix.equals("/") ? "" : prefix);
                } else {
                    exact.add(RequestPaths.comparable(pattern));
                }
            }
        }

        /**
         * {@link #matches} for a path known to be plain ({@link RequestPaths#isPlain}): ASCII,
         * no escapes, parameters, empty or dot segments, so only case and a trailing slash differ
         * from the comparable form.
         */
        boolean matchesPlain(String uri, int from) {
            int end = uri.length();
            if (end - from > 1 && uri.charAt(end - 1) == '/') {
                end--;
            }
            int length = end - from;
            for (String path : exact) {
                if (length == path.length() && uri.regionMatches(true, from, path, 0, length)) {
                    return true;
                }
            }
            for (String prefix : prefixes) {
                if (length >= prefix.length() && uri.regionMatches(true, from, prefix, 0, prefix.length())
                        && (length == prefix.length() || uri.charAt(from + prefix.length()) == '/')) {
                    return true;
                }
            }
            return false;
        }

        boolean isEmpty() {
            return exact.isEmpty() && prefixes.isEmpty();
        }

        boolean matches(String path) {
            String candidate = RequestPaths.comparable(path);
            if (exact.contains(candidate)) {
                return true;
            }
            for (String prefix : prefixes) {
                if (candidate.startsWith(prefix)
                        && (candidate.length() == prefix.length() || candidate.charAt(prefix.length()) == '/')) {
                    return true;
                }
            }
            return false;
        }

        static void validate(String key, String pattern) {
            String expected = "an exact path or /prefix/*, starting with /, in ASCII, with no other *, no comma, ;, %, \\, ?, #, // or "
                    + "dot segments";
            if (pattern == null || !pattern.startsWith("/")) {
                throw InvalidSettingException.badValue(key, String.valueOf(pattern), expected);
            }
            String body = pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 2) : pattern;
            if (body.indexOf('*') >= 0 || body.indexOf(';') >= 0 || body.indexOf(',') >= 0 || body.indexOf('%') >= 0
                    || body.indexOf('?') >= 0 || body.indexOf('#') >= 0
                    || body.indexOf('\\') >= 0 || RequestPaths.hasUnresolvedSegments(body)
                    // ASCII, as access rules: a request in other letters is matched case-folded, and
                    // only ASCII patterns fold the same way under every case mapping a router may use.
                    || body.chars().anyMatch(c -> c <= 0x20 || c >= 0x7F)) {
                throw InvalidSettingException.badValue(key, pattern, expected);
            }
        }
    }
}
