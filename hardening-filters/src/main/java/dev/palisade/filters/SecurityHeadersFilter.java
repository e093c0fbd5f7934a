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
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the response headers every response of an API service should carry:
 * {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer}, frame denial
 * ({@code X-Frame-Options: DENY} for old browsers and {@code Content-Security-Policy:
 * frame-ancestors 'none'}), {@code Cache-Control: no-store} under the no-store path prefixes
 * (default {@code /api/}), and {@code Strict-Transport-Security} on secure requests only (HSTS
 * over plain HTTP is ignored by browsers and would be wrong behind a misconfigured proxy).
 *
 * <p>The headers are set <em>before</em> the chain runs, so every later answer — the
 * application's, another filter's rejection, a {@link SafeErrorFilter} problem — carries them, and
 * the application can still replace any of them with {@code setHeader} (its own
 * {@code Cache-Control} or {@code Content-Security-Policy} wins). Mapped right after
 * {@link SafeErrorFilter}, as recommended (and as {@link Hardening} installs it), its values but the
 * policy are defaults that the application's {@code addHeader} replaces too, the first time it adds
 * that field (Spring's {@code ResponseEntity} adds its fields); on its own, {@code addHeader} adds a
 * second value beside the filter's. An added {@code Content-Security-Policy} always goes beside the
 * filter's: browsers enforce both, so framing stays denied. No wrapper of its own, no per-request
 * allocation. They are written with
 * {@code addHeader}, not {@code setHeader}: on a fresh response the two are the same, and
 * {@code setHeader} makes the container search the fields already there for each one (measurable
 * on every request); so do not map a second filter before this one that sets the same fields.
 *
 * <p><b>Ordering:</b> map it right after {@link SafeErrorFilter}, before the filters that reject
 * requests, so rejections carry the headers too. {@code isSecure()} is only true behind a
 * TLS-terminating proxy if the container is told so (Jetty {@code ForwardedRequestCustomizer},
 * Tomcat {@code RemoteIpValve}). An application calling {@code response.reset()} drops the headers.
 */
public final class SecurityHeadersFilter implements Filter {
    static final String NO_STORE_PATHS = "noStorePaths";
    static final String HSTS_MAX_AGE = "hstsMaxAge";
    static final String HSTS_INCLUDE_SUBDOMAINS = "hstsIncludeSubDomains";
    static final Set<String> INIT_PARAMS = Set.of(NO_STORE_PATHS, HSTS_MAX_AGE, HSTS_INCLUDE_SUBDOMAINS);
    static final String CONTENT_SECURITY_POLICY = "Content-Security-Policy";
    /** The policy every response gets: no page may frame it. */
    static final String FRAME_POLICY = "frame-ancestors 'none'";

    private static final Logger LOG = LoggerFactory.getLogger(SecurityHeadersFilter.class);

    private final Function<String, String> env;
    /** The configuration given in code, or {@code null}: read from the settings at each {@link #init}. */
    private final Config preset;
    private Config config;
    private String[] noStorePrefixes;
    /**
     * Each default field's value by {@link DefaultFields} number, for this configuration; never
     * changed once made. Written last and read first, so that its volatile write publishes the other fields.
     */
    private volatile String[] defaultValues;

    /** Configured from init-params in {@link #init}. */
    public SecurityHeadersFilter() {
        this(null, System::getenv);
    }

    /** Configured by code; an init-param given to it fails {@code init()}. */
    public SecurityHeadersFilter(Config config) {
        this(requireConfig(config), System::getenv);
    }

    SecurityHeadersFilter(Config config, Function<String, String> env) {
        this.env = env;
        this.preset = config;
        if (config != null) {
            apply(config);
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
        try {
            // Not whether a configuration is set: a restarted context (Jetty keeps its registrations)
            // initialises the same instance again, and one read from init-params reads them again.
            if (preset == null) {
                apply(Config.fromSettings(Settings.from(filterConfig, INIT_PARAMS, env)));
            } else {
                Settings.requireNoInitParams(filterConfig);
            }
        } catch (InvalidSettingException e) {
            LOG.error(e.getMessage());
            throw new ServletException(filterConfig.getFilterName() + ": " + e.getMessage(), e);
        }
    }

    private void apply(Config c) {
        this.config = c;
        this.noStorePrefixes = c.noStorePaths().toArray(new String[0]);
        String[] values = new String[DefaultFields.count()];
        values[DefaultFields.CONTENT_TYPE_OPTIONS] = "nosniff";
        values[DefaultFields.REFERRER_POLICY] = "no-referrer";
        values[DefaultFields.FRAME_OPTIONS] = "DENY";
        values[DefaultFields.STRICT_TRANSPORT_SECURITY] =
                "max-age=" + c.hstsMaxAge() + (c.hstsIncludeSubDomains() ? "; includeSubDomains" : "");
        values[DefaultFields.CACHE_CONTROL] = "no-store";
        this.defaultValues = values;
    }

    /** The configuration in use (after {@code init()} for the init-param constructor). */
    public Config config() {
        return config;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (QuarkusConnection.dropsRequest(req)) {
            return;
        }
        String[] values = defaultValues;
        if (values == null) {
            throw new ServletException("SecurityHeadersFilter used before init()");
        }
        // On an ASYNC dispatch the response already has the fields from the REQUEST dispatch.
        if (req.getDispatcherType() == DispatcherType.REQUEST
                && req instanceof HttpServletRequest && res instanceof HttpServletResponse) {
            HttpServletRequest request = (HttpServletRequest) req;
            HttpServletResponse response = (HttpServletResponse) res;
            add(response, DefaultFields.CONTENT_TYPE_OPTIONS, values);
            add(response, DefaultFields.REFERRER_POLICY, values);
            add(response, DefaultFields.FRAME_OPTIONS, values);
            // Not a replaceable default: policies add up, and an app's own must not drop this one.
            response.addHeader(CONTENT_SECURITY_POLICY, FRAME_POLICY);
            if (request.isSecure()) {
                add(response, DefaultFields.STRICT_TRANSPORT_SECURITY, values);
            }
            if (noStorePrefixes.length > 0 && noStore(request)) {
                add(response, DefaultFields.CACHE_CONTROL, values);
            }
        }
        chain.doFilter(req, res);
    }

    /**
     * Behind {@link SafeErrorFilter}, as a default its wrapper lets the application's own value
     * replace even when added; on its own, a plain field.
     */
    private static void add(HttpServletResponse response, int field, String[] values) {
        if (response instanceof ErrorCapturingResponse chainResponse) {
            chainResponse.addDefaultField(field, values);
        } else {
            response.addHeader(DefaultFields.name(field), values[field]);
        }
    }

    /**
     * Matches the decoded, normalised path (servlet path + path info), not the raw URI, so
     * {@code /%61pi/x} or {@code /x/../api/y} cannot dodge the prefix. Compares in place: no
     * concatenation per request.
     */
    private boolean noStore(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        for (String prefix : noStorePrefixes) {
            if (startsWith(servletPath, pathInfo, prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code first + second} (either may be null) starts with {@code prefix}; a prefix
     * ending in {@code /} also matches the path without that slash ({@code /api/} matches {@code /api}).
     */
    static boolean startsWith(String first, String second, String prefix) {
        String a = first == null ? "" : first;
        String b = second == null ? "" : second;
        int length = a.length() + b.length();
        int n = prefix.length();
        if (length >= n) {
            return startsWith(a, b, prefix, n);
        }
        return length == n - 1 && prefix.charAt(n - 1) == '/' && startsWith(a, b, prefix, n - 1);
    }

    private static boolean startsWith(String a, String b, String prefix, int n) {
        int inA = Math.min(a.length(), n);
        // Without regard to case, for a router that ignores it: an extra no-store costs little.
        return a.regionMatches(true, 0, prefix, 0, inA) && b.regionMatches(true, 0, prefix, inA, n - inA);
    }

    @Override
    public void destroy() {
        // No resources held.
    }

    /**
     * The filter's settings.
     *
     * @param noStorePaths path prefixes (context-relative, decoded, starting with {@code /}) whose
     *     responses get {@code Cache-Control: no-store} unless the application sets its own; plain
     *     string prefixes ({@code /api} also matches {@code /apix}; {@code /api/} matches {@code /api}
     *     and {@code /api/…}; {@code /api/*} is read as {@code /api/}); {@code /} means every
     *     response, an empty list none
     * @param hstsMaxAge seconds for {@code Strict-Transport-Security: max-age}; 0 tells browsers
     *     to forget an earlier policy
     * @param hstsIncludeSubDomains whether HSTS covers subdomains too
     */
    public record Config(List<String> noStorePaths, long hstsMaxAge, boolean hstsIncludeSubDomains) {
        public static final List<String> DEFAULT_NO_STORE_PATHS = List.of("/api/");
        public static final long DEFAULT_HSTS_MAX_AGE = 31_536_000L;

        public Config {
            if (noStorePaths == null) {
                throw new InvalidSettingException(NO_STORE_PATHS, "Invalid value for " + NO_STORE_PATHS + ": null");
            }
            List<String> prefixes = new ArrayList<>(noStorePaths.size());
            for (String path : Settings.copyOf(NO_STORE_PATHS, noStorePaths)) {
                prefixes.add(noStorePrefix(path));
            }
            noStorePaths = List.copyOf(prefixes);
            if (hstsMaxAge < 0) {
                throw InvalidSettingException.badValue(HSTS_MAX_AGE, Long.toString(hstsMaxAge), "a whole number >= 0");
            }
        }

        /**
         * {@code path} as a prefix. The {@code /prefix/*} form every other path setting uses means
         * {@code /prefix/} here; any other {@code *}, and characters the decoded, normalised path
         * never holds, fail, since such a prefix would silently match nothing.
         */
        private static String noStorePrefix(String path) {
            String prefix = path != null && path.endsWith("/*") ? path.substring(0, path.length() - 1) : path;
            boolean ok = prefix != null && prefix.startsWith("/") && !RequestPaths.hasUnresolvedSegments(prefix)
                    && prefix.chars().noneMatch(c -> c <= ' ' || c == 0x7F || c == ',' || c == '*' || c == '%' || c == '\\'
                            || c == '?' || c == '#');
            if (!ok) {
                throw InvalidSettingException.badValue(NO_STORE_PATHS, String.valueOf(path),
                        "decoded path prefixes starting with /, such as /api/ or /api/*, "
                                + "without a comma, *, %, \\, ?, #, // or dot segments elsewhere");
            }
            return prefix;
        }

        /** Defaults: no-store under {@code /api/}, HSTS for a year including subdomains. */
        public static Config defaults() {
            return builder().build();
        }

        /** A builder with the defaults of {@link #defaults()}. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these settings, to change some of them. */
        public Builder toBuilder() {
            return new Builder().noStorePaths(noStorePaths.toArray(String[]::new)).hstsMaxAge(hstsMaxAge)
                    .hstsIncludeSubDomains(hstsIncludeSubDomains);
        }

        static Config fromSettings(Settings s) {
            return new Config(
                    s.list(NO_STORE_PATHS, null, DEFAULT_NO_STORE_PATHS),
                    s.nonNegativeLong(HSTS_MAX_AGE, null, DEFAULT_HSTS_MAX_AGE),
                    s.bool(HSTS_INCLUDE_SUBDOMAINS, null, true));
        }

        /** Builds a {@link Config}; unset fields keep their defaults. */
        public static final class Builder {
            private final List<String> noStorePaths = new ArrayList<>(DEFAULT_NO_STORE_PATHS);
            private long hstsMaxAge = DEFAULT_HSTS_MAX_AGE;
            private boolean hstsIncludeSubDomains = true;

            private Builder() {
            }

            /** Replaces the no-store prefixes; none at all disables the header. */
            public Builder noStorePaths(String... prefixes) {
                noStorePaths.clear();
                if (prefixes != null) {
                    noStorePaths.addAll(Arrays.asList(prefixes));
                }
                return this;
            }

            /** {@code Strict-Transport-Security}'s {@code max-age} in seconds (sent on secure requests only); a year by default. */
            public Builder hstsMaxAge(long seconds) {
                this.hstsMaxAge = seconds;
                return this;
            }

            /** Whether HSTS covers subdomains too ({@code includeSubDomains}); true by default. */
            public Builder hstsIncludeSubDomains(boolean include) {
                this.hstsIncludeSubDomains = include;
                return this;
            }

            /** @throws InvalidSettingException naming the first setting that cannot be used, and its value */
            public Config build() {
                return new Config(noStorePaths, hstsMaxAge, hstsIncludeSubDomains);
            }
        }
    }
}
