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
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates requests by API key ({@code Authorization: Bearer TOKEN}) and authorises them by
 * per-route role rules.
 *
 * <ul>
 *   <li>No bearer credentials: 401 with {@code WWW-Authenticate: Bearer realm="palisade"}.
 *   <li>A malformed or unknown token, or several {@code Authorization} headers: 401 with
 *       {@code error="invalid_token"} (RFC 6750).
 *   <li>A valid key without a role the route asks for: 403 with {@code error="insufficient_scope"}.
 *   <li>Otherwise the request goes on wrapped so that {@code getUserPrincipal()},
 *       {@code getRemoteUser()} (the team), {@code isUserInRole()} and {@code getAuthType()}
 *       ({@code "Bearer"}) report the key, and the {@link ApiKeyPrincipal} is in the request
 *       attribute {@link ApiKeyPrincipal#ATTRIBUTE} ({@link ApiKeyPrincipal#of}).
 * </ul>
 * Every refusal is a {@link ProblemResponse}; refusals are counted and logged as aggregated counts
 * ({@link #unauthorizedCount()}, {@link #forbiddenCount()}). Tokens are never logged or echoed;
 * only their SHA-256 digests are kept (see {@link ApiKeys} for the constant-time lookup).
 *
 * <p><b>Rules</b> ({@link Config.Builder}, or init-param {@code rules}:
 * {@code [METHOD ]PATH=ACCESS} separated by {@code ;} or line breaks; PATH {@code /exact} or
 * {@code /prefix/*}; ACCESS {@code public}, {@code authenticated} or {@code role|role}). The most
 * specific rule wins, whatever the order (see {@link AccessRules}). A path no rule covers needs a
 * valid key: forgetting a rule fails closed. A request whose every spelling is public never has its
 * {@code Authorization} read, so an unthrottled public route cannot serve as an oracle for
 * guessing keys. Paths are matched on the decoded, normalised path the container maps
 * ({@code servletPath + pathInfo}), so {@code /health/../api/x} or {@code /api/%78} cannot slip
 * past a rule; and, as an application may route on the raw URI or ignore a trailing slash, the
 * request must also pass the rules of those spellings ({@link AccessRules#otherViews}). Methods
 * compare case-insensitively, and a {@code GET} rule also guards {@code HEAD}.
 *
 * <p><b>Where it goes in the chain.</b> After {@code RateLimitFilter}, so guessing keys is
 * throttled per client like any other request; before {@code EnvironmentGateFilter}, so a
 * caller without a key gets the same 401 for a hidden dev-only path as for a path that does not
 * exist (see {@link Hardening} for the whole order); after
 * {@code SafeErrorFilter} and {@code SecurityHeadersFilter}, so its answers carry their headers.
 * Map it to {@code REQUEST} dispatches (the default), and to {@code FORWARD}, {@code INCLUDE} and
 * {@code ASYNC} as well for the application's own dispatches to be held to the rules of the path they
 * go to ({@link Hardening}'s chain does this for you): an alias forwarding {@code /legacy/*} to
 * {@code /api/admin/*} must not let in a key that {@code /api/admin/*} would refuse. A refused forward
 * or async dispatch is answered 401 or 403 as a request would be; a refused include adds nothing.
 * Error dispatches are let through.
 */
public final class ApiKeyAuthFilter implements Filter {
    public static final String PARAM_KEYS = "keys";
    public static final String PARAM_RULES = "rules";
    public static final String PARAM_REALM = "realm";
    public static final String ENV_KEYS = "API_KEYS";
    static final Set<String> INIT_PARAMS = Set.of(PARAM_KEYS, PARAM_RULES, PARAM_REALM);
    static final String DEFAULT_REALM = "palisade";

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyAuthFilter.class);
    private static final String AUTHORIZATION = "Authorization";
    private static final String WWW_AUTHENTICATE = "WWW-Authenticate";

    private final Config programmatic;
    private final Function<String, String> env;
    /** The 401s since the last count line by what they presented: a client guessing keys, or one not sending any. */
    private final LongAdder withoutToken = new LongAdder();
    private final LongAdder withInvalidToken = new LongAdder();
    private final RejectionLog unauthorized = new RejectionLog(LOG, "Rejected", "requests without a valid API key (401)",
            () -> ": " + withoutToken.sumThenReset() + " without a bearer token, " + withInvalidToken.sumThenReset()
                    + " with an unknown or malformed one");
    private final RejectionLog forbidden =
            new RejectionLog(LOG, "requests with an API key lacking the route's role (403)");

    private volatile Config config;
    private volatile AccessRules rules;
    private final ConnectionAbort.Known abort = new ConnectionAbort.Known();

    /** Configured in {@link #init} from init-params, then the {@code API_KEYS} environment variable. */
    public ApiKeyAuthFilter() {
        this(null, System::getenv);
    }

    /** Configured in code; the environment is not read, and an init-param given to it fails {@code init()}. */
    public ApiKeyAuthFilter(Config config) {
        this(requireConfig(config), key -> null);
    }

    /** For tests: environment variables read through {@code env}. */
    ApiKeyAuthFilter(Function<String, String> env) {
        this(null, env);
    }

    private ApiKeyAuthFilter(Config config, Function<String, String> env) {
        this.programmatic = config;
        this.env = env;
        if (config != null) {
            apply(config);
        }
    }

    private static Config requireConfig(Config config) {
        if (config == null) {
            throw new IllegalArgumentException("config is required; use new ApiKeyAuthFilter() to read init-params");
        }
        return config;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        String name = filterConfig.getFilterName();
        Config effective = programmatic;
        try {
            if (effective == null) {
                effective = Config.fromSettings(Settings.from(filterConfig, INIT_PARAMS, env));
            } else {
                Settings.requireNoInitParams(filterConfig);
            }
        } catch (InvalidSettingException e) {
            LOG.error("{}", e.getMessage());
            throw new ServletException(name + ": " + e.getMessage(), e);
        }
        apply(effective);
        abort.learn(filterConfig.getServletContext());
        List<String> rulePaths = new ArrayList<>();
        for (Rule rule : effective.rules()) {
            rulePaths.add(rule.path());
            PathSettingChecks.warnUnknownMethod(LOG, name, PARAM_RULES, rule.method(), rule.method() + " " + rule.path());
        }
        PathSettingChecks.warnContextPath(LOG, name, filterConfig.getServletContext().getContextPath(), PARAM_RULES,
                rulePaths);
        if (effective.keys().size() == 0) {
            LOG.warn("{}: no API keys configured ({} / {}): every protected route answers 401",
                    LogSafe.escape(name), PARAM_KEYS, ENV_KEYS);
        } else {
            LOG.info("{}: {} API key(s) for teams {}; {} access rule(s), unmatched paths need a valid key",
                    LogSafe.escape(name), effective.keys().size(), effective.keys().teams(),
                    effective.rules().size());
        }
    }

    private void apply(Config c) {
        this.rules = new AccessRules(c.rules());
        this.config = c;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (QuarkusConnection.dropsRequest(request)) {
            return;
        }
        if (!(request instanceof HttpServletRequest req) || !(response instanceof HttpServletResponse resp)) {
            throw new ServletException("ApiKeyAuthFilter only handles HTTP requests");
        }
        Config c = config;
        if (c == null) {
            throw new ServletException("ApiKeyAuthFilter used before init() or after destroy()");
        }
        unauthorized.flushIfDue();
        forbidden.flushIfDue();
        DispatcherType type = req.getDispatcherType();
        if (type != DispatcherType.REQUEST) {
            HttpServletRequest authorized = authorizeDispatch(req, resp);
            if (authorized == null) {
                return;
            }
            if (type == DispatcherType.INCLUDE) {
                ErrorCapturingResponse.include(chain, authorized, resp);
            } else {
                chain.doFilter(authorized, resp);
            }
            return;
        }
        String method = req.getMethod();
        String path = RequestPaths.mapped(req);
        Rule rule = rules.match(method, path);
        List<Rule> alsoRequired = otherViews(method, path, req.getRequestURI(), req.getContextPath());
        if (rule.access() == Access.PUBLIC && allPublic(alsoRequired)) {
            chain.doFilter(req, resp);
            return;
        }
        Credentials credentials = credentials(req, c.keys());
        if (credentials.principal() == null) {
            unauthorizedAnswer(c, credentials.presented()).sendLeavingBodyUnread(req, resp, abort.of(req));
            return;
        }
        ApiKeyPrincipal principal = credentials.principal();
        if (!grants(rule, principal) || !grantsAll(alsoRequired, principal)) {
            forbiddenAnswer(c).sendLeavingBodyUnread(req, resp, abort.of(req));
            return;
        }
        req.setAttribute(ApiKeyPrincipal.ATTRIBUTE, principal);
        chain.doFilter(new AuthenticatedRequest(req, principal), resp);
    }

    /** A 401 (counted), its challenge saying whether a token was presented. */
    private ProblemResponse unauthorizedAnswer(Config c, boolean presented) {
        (presented ? withInvalidToken : withoutToken).increment();
        unauthorized.record();
        return ProblemResponse.of(401).withHeader(WWW_AUTHENTICATE,
                "Bearer realm=\"" + c.realm() + "\"" + (presented ? ", error=\"invalid_token\"" : ""));
    }

    /** A 403 (counted). */
    private ProblemResponse forbiddenAnswer(Config c) {
        forbidden.record();
        return ProblemResponse.of(403)
                .withHeader(WWW_AUTHENTICATE, "Bearer realm=\"" + c.realm() + "\", error=\"insufficient_scope\"");
    }

    /**
     * Authorises a dispatch the application made (a forward, an include, an async dispatch) by the
     * rules of its target, as a client's request to that path would be, with the key the request
     * was authenticated with: an alias forwarding {@code /legacy/*} to {@code /api/admin/*}, a page
     * including the fragment its query names, or {@code AsyncContext.dispatch("/api/admin/x")} must
     * not take a key without the manager role (or a request without a key) where the rules keep it
     * out. A request whose own path was public is anonymous, whatever it sent: its key is not read
     * at a dispatch either, as such a path is often unthrottled ({@code /health}) and must not become
     * a way to try keys. A target under {@code /WEB-INF/} or {@code /META-INF/} (an application's
     * views and fragments, not routes) is held only to rules that name it, not to the default for
     * paths no rule covers. Error dispatches are let through; so are a named dispatcher's, which name
     * a servlet, not a path (the container tells no filter which servlet it goes to).
     *
     * @return the request to go on with, or {@code null} when refused: a forward or async dispatch
     *     has been answered 401 or 403, an include (or a forward inside one) is to add nothing, as
     *     an include of an unknown path would
     */
    HttpServletRequest authorizeDispatch(HttpServletRequest req, HttpServletResponse resp)
            throws IOException, ServletException {
        DispatcherType type = req.getDispatcherType();
        if (type == DispatcherType.REQUEST || type == DispatcherType.ERROR) {
            return req;
        }
        Config c = config;
        if (c == null) {
            throw new ServletException("ApiKeyAuthFilter used before init() or after destroy()");
        }
        DispatchTarget target = DispatchTarget.of(req);
        if (target.mapped() == null) {
            // A named dispatcher's include: no path of its own; the including request's was authorised.
            return stillAuthenticated(req);
        }
        List<Rule> binding = bindingRules(req.getMethod(), target, req.getContextPath());
        if (binding.isEmpty()) {
            return stillAuthenticated(req);
        }
        if (!(req.getAttribute(ApiKeyPrincipal.ATTRIBUTE) instanceof ApiKeyPrincipal principal)) {
            // Anonymous: a public path's request (or one after logout(), or one this filter never saw).
            answerRefusedDispatch(unauthorizedAnswer(c, false), type, req, resp);
            return null;
        }
        if (!grantsAll(binding, principal)) {
            answerRefusedDispatch(forbiddenAnswer(c), type, req, resp);
            return null;
        }
        return stillAuthenticated(req);
    }

    /**
     * The rules of the other views of a path ({@link AccessRules#otherViews}), {@code mapped} as the
     * container maps it and {@code uri} raw; empty without rules, where every view gets the same
     * default rule.
     */
    private List<Rule> otherViews(String method, String mapped, String uri, String context) {
        if (rules.isEmpty()) {
            return List.of();
        }
        String literal = uri == null ? null : RequestPaths.literal(uri, context);
        return rules.otherViews(method, mapped, literal,
                literal == null ? null : RequestPaths.normalizedRaw(uri, context));
    }

    /** The rules a dispatch to {@code target} must satisfy, public ones left out, in every view of its path. */
    private List<Rule> bindingRules(String method, DispatchTarget target, String context) {
        List<Rule> views = new ArrayList<>(otherViews(method, target.mapped(), target.uri(), context));
        views.add(rules.match(method, target.mapped()));
        boolean privateResource = isPrivateResource(target.mapped());
        views.removeIf(rule -> rule.access() == Access.PUBLIC || privateResource && rule == AccessRules.DEFAULT);
        return views;
    }

    /**
     * Whether {@code path} is under {@code /WEB-INF} or {@code /META-INF}, whose contents are not
     * routes. As spelled: servlet mappings are case-sensitive, and {@code /web-inf/x} can be a route.
     */
    private static boolean isPrivateResource(String path) {
        return underDirectory(path, "/WEB-INF") || underDirectory(path, "/META-INF");
    }

    private static boolean underDirectory(String path, String directory) {
        return path.startsWith(directory)
                && (path.length() == directory.length() || path.charAt(directory.length()) == '/');
    }

    /**
     * A refused forward or async dispatch is answered as the request would have been; the
     * application may have read the body, and in a forward its code is still on the stack (see
     * {@link ProblemResponse#sendAfterApplication}); an async dispatch refused after the application
     * committed the response breaks the connection. A refused include adds nothing, nor does a
     * refused forward made inside an include: the page's status cannot change, and the problem
     * would be written into it.
     */
    private void answerRefusedDispatch(ProblemResponse answer, DispatcherType type, HttpServletRequest req,
            HttpServletResponse resp) throws IOException {
        if (type == DispatcherType.ASYNC) {
            answer.sendRefusingAsyncDispatch(req, resp, abort.of(req));
        } else if (type != DispatcherType.INCLUDE && ErrorCapturingResponse.currentDispatch() != DispatcherType.INCLUDE) {
            answer.sendAfterApplication(req, resp, abort.of(req), false);
        }
    }

    /**
     * After a no-argument {@code startAsync()}, both containers dispatch the request they made, not
     * the wrapper this filter passed down; the principal's attribute survives, so the wrapper is put
     * back and {@code getUserPrincipal()} and {@code isUserInRole()} keep answering.
     */
    private static HttpServletRequest stillAuthenticated(HttpServletRequest req) {
        if (req.getDispatcherType() == DispatcherType.ASYNC
                && req.getAttribute(ApiKeyPrincipal.ATTRIBUTE) instanceof ApiKeyPrincipal principal
                && !(req.getUserPrincipal() instanceof ApiKeyPrincipal)) {
            return new AuthenticatedRequest(req, principal);
        }
        return req;
    }

    private static boolean allPublic(List<Rule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).access() != Access.PUBLIC) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code rule} lets {@code principal} through: public and authenticated do, roles need one of them. */
    private static boolean grants(Rule rule, ApiKeyPrincipal principal) {
        return rule.access() != Access.ROLES || principal.hasAnyRole(rule.roles());
    }

    private static boolean grantsAll(List<Rule> rules, ApiKeyPrincipal principal) {
        for (int i = 0; i < rules.size(); i++) {
            if (!grants(rules.get(i), principal)) {
                return false;
            }
        }
        return true;
    }

    /** Requests refused with 401 since start. */
    public long unauthorizedCount() {
        return unauthorized.total();
    }

    /** Requests refused with 403 since start. */
    public long forbiddenCount() {
        return forbidden.total();
    }

    /** The effective configuration, once initialised. */
    public Config config() {
        return config;
    }

    @Override
    public void destroy() {
        // Keys and rules are plain data; dropping them makes any use after destroy() fail loudly.
        config = null;
        unauthorized.flush();
        forbidden.flush();
    }

    /** The decoded path within the context, as the container mapped it. */
    private static final String BEARER = "bearer";

    private static Credentials credentials(HttpServletRequest request, ApiKeys keys) {
        Enumeration<String> values = request.getHeaders(AUTHORIZATION);
        if (values == null || !values.hasMoreElements()) {
            return Credentials.NONE;
        }
        String value = values.nextElement();
        if (values.hasMoreElements()) {
            // Two Authorization headers: components could disagree on which one counts.
            return Credentials.INVALID;
        }
        String trimmed = value == null ? "" : value.strip();
        int space = trimmed.indexOf(' ');
        int schemeLength = space < 0 ? trimmed.length() : space;
        if (schemeLength != BEARER.length() || !trimmed.regionMatches(true, 0, BEARER, 0, schemeLength)) {
            return Credentials.NONE;
        }
        String token = space < 0 ? "" : trimmed.substring(space + 1).strip();
        if (token.length() > ApiKeys.MAX_TOKEN_LENGTH || !ApiKeys.isBearerToken(token)) {
            return Credentials.INVALID;
        }
        return keys.authenticate(token).map(Credentials::new).orElse(Credentials.INVALID);
    }

    /** What the request presented: nothing, something invalid, or a valid key. */
    private record Credentials(ApiKeyPrincipal principal, boolean presented) {
        static final Credentials NONE = new Credentials(null, false);
        static final Credentials INVALID = new Credentials(null, true);

        Credentials(ApiKeyPrincipal principal) {
            this(principal, true);
        }
    }

    /** Who may use a route. */
    public enum Access {
        /** Anyone; the {@code Authorization} header is not even read. */
        PUBLIC("public"),
        /** Any valid key, whatever its roles. */
        AUTHENTICATED("authenticated"),
        /** A valid key with at least one of the rule's roles. */
        ROLES("roles");

        private final String word;

        Access(String word) {
            this.word = word;
        }

        /** The word for this access in the {@code rules} init-param. */
        public String word() {
            return word;
        }
    }

    /**
     * One access rule.
     *
     * @param method HTTP method in upper case, or {@code null} for any ({@code "*"} is accepted);
     *               a {@code GET} rule also covers {@code HEAD}
     * @param path   {@code /exact/path}, or {@code /prefix/*} for the prefix and everything under it
     * @param access who may use the route
     * @param roles  for {@link Access#ROLES}, the roles any one of which grants access; else empty
     */
    public record Rule(String method, String path, Access access, Set<String> roles) {
        public Rule {
            method = method == null || "*".equals(method) ? null : method.toUpperCase(Locale.ROOT);
            // Checked before Set.copyOf, which would fail on a null role with a bare NullPointerException.
            Set<String> given = roles == null ? Set.of() : new LinkedHashSet<>(roles);
            AccessRules.validate(method, path, access, given);
            roles = Set.copyOf(given);
            if (path.length() > 1 && path.endsWith("/")) {
                // Kept as written, /api/admin/ would miss the route without the slash; read as
                // /api/admin, it would change which rule governs /api/admin when a /api/admin/* rule
                // exists. Refused: the operator says which was meant.
                throw new IllegalArgumentException("the path ends in / (write /api/x for the path itself, "
                        + "/api/x/* for it and everything under it)");
            }
        }

        String describeTarget() {
            return (method == null ? "" : method + " ") + path;
        }
    }

    /**
     * The filter's settings.
     *
     * @param keys  the accepted keys; none means every protected route answers 401
     * @param rules access rules; unmatched paths need a valid key
     * @param realm the {@code realm} of the {@code WWW-Authenticate} challenge
     */
    public record Config(ApiKeys keys, List<Rule> rules, String realm) {
        private static final Pattern REALM = Pattern.compile("[A-Za-z0-9 ._-]{1,64}");

        public Config {
            keys = keys == null ? ApiKeys.none() : keys;
            rules = Settings.copyOf(PARAM_RULES, rules);
            AccessRules.checkDistinct(PARAM_RULES, rules);
            realm = checkedRealm(realm == null ? DEFAULT_REALM : realm);
        }

        private static String checkedRealm(String realm) {
            if (!REALM.matcher(realm).matches()) {
                throw InvalidSettingException.badValue(PARAM_REALM, realm, "1-64 characters of A-Z a-z 0-9 space . _ -");
            }
            return realm;
        }

        /** A builder with no keys (every protected route answers 401) and no rules. */
        public static Builder builder() {
            return new Builder();
        }

        static Config fromSettings(Settings settings) {
            ApiKeys keys = settings.raw(PARAM_KEYS, ENV_KEYS)
                    .map(source -> ApiKeys.parse(source.key(), source.value()))
                    .orElse(ApiKeys.none());
            List<Rule> rules = settings.raw(PARAM_RULES, null)
                    .map(source -> AccessRules.parse(source.key(), source.value()))
                    .orElse(List.of());
            return new Config(keys, rules, settings.string(PARAM_REALM, null, DEFAULT_REALM));
        }

        /** Builds a {@link Config}; each call validates its arguments at once. */
        public static final class Builder {
            private final ApiKeys.Builder keys = new ApiKeys.Builder(PARAM_KEYS);
            private int keyPosition;
            private final List<Rule> rules = new ArrayList<>();
            private String realm = DEFAULT_REALM;

            private Builder() {
            }

            /** A key given as the token itself. */
            public Builder key(String token, String team, String... roles) {
                keys.add(++keyPosition, token, team, roles == null ? List.of() : Arrays.asList(roles));
                return this;
            }

            /** A key given as the SHA-256 of its token, 64 hex digits ({@code printf %s "$TOKEN" | sha256sum}). */
            public Builder hashedKey(String sha256Hex, String team, String... roles) {
                keys.add(++keyPosition, ApiKeys.SHA256_PREFIX + (sha256Hex == null ? "" : sha256Hex), team,
                        roles == null ? List.of() : Arrays.asList(roles));
                return this;
            }

            /** Keys in the {@code API_KEYS} text form, added after those already given. */
            public Builder keys(String apiKeys) {
                if (apiKeys != null) {
                    for (String item : apiKeys.split(",", -1)) {
                        keyPosition++;
                        if (!item.isBlank()) {
                            keys.addEntry(keyPosition, item.trim());
                        }
                    }
                }
                return this;
            }

            /** {@code method} ({@code null} or {@code "*"}: any) on {@code path} needs one of {@code roles}. */
            public Builder rule(String method, String path, String... roles) {
                return add(method, path, Access.ROLES,
                        roles == null ? Set.of() : new LinkedHashSet<>(Arrays.asList(roles)));
            }

            /** {@code method} ({@code null} or {@code "*"}: any) on {@code path} needs a valid key, any role. */
            public Builder authenticated(String method, String path) {
                return add(method, path, Access.AUTHENTICATED, Set.of());
            }

            /** {@code path} ({@code /exact} or {@code /prefix/*}) is open to anyone, any method. */
            public Builder publicPath(String path) {
                return add(null, path, Access.PUBLIC, Set.of());
            }

            /** Rules in the {@code rules} init-param's text form. */
            public Builder rules(String text) {
                rules.addAll(AccessRules.parse(PARAM_RULES, text));
                return this;
            }

            /** The realm named in {@code WWW-Authenticate: Bearer realm="…"}; 1-64 of A-Z a-z 0-9 space . _ - */
            public Builder realm(String realm) {
                this.realm = realm == null ? DEFAULT_REALM : checkedRealm(realm);
                return this;
            }

            public Config build() {
                return new Config(keys.build(), rules, realm);
            }

            private Builder add(String method, String path, Access access, Set<String> roles) {
                try {
                    rules.add(new Rule(method, path, access, roles));
                } catch (IllegalArgumentException e) {
                    throw new InvalidSettingException(PARAM_RULES, "Invalid value for " + PARAM_RULES + ": rule "
                            + (rules.size() + 1) + " \"" + (method == null ? "" : LogSafe.escape(method) + " ")
                            + LogSafe.escape(String.valueOf(path)) + "\": " + e.getMessage());
                }
                return this;
            }
        }
    }
}
