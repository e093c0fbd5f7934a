package dev.palisade.server;

import dev.palisade.filters.ApiKeyAuthFilter;
import dev.palisade.filters.Environment;
import dev.palisade.filters.EnvironmentGateFilter;
import dev.palisade.filters.Hardening;
import dev.palisade.filters.InvalidSettingException;
import dev.palisade.filters.RateLimitFilter;
import dev.palisade.filters.RequestSizeLimitFilter;
import dev.palisade.filters.Settings;
import dev.palisade.workflow.WorkflowMounts;
import dev.palisade.workflow.WorkflowServlets;
import dev.palisade.workflow.analysis.LlmConfig;
import dev.palisade.workflow.email.EmailConfig;
import dev.palisade.workflow.session.ConversationCache;
import dev.palisade.workflow.store.jdbc.PostgresStoreConfig;
import dev.palisade.workflow.web.Roles;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Everything the reference server reads from its environment (contract sections 2 and 3), parsed
 * and checked once, before anything starts. A bad value throws {@link InvalidSettingException}
 * whose message names the variable, so {@link Main} can print it as one line.
 *
 * @param environment    the resolved mode ({@code ENV}) and why
 * @param bind           {@code BIND} (127.0.0.1)
 * @param port           {@code PORT} (8080; 0 picks a free port)
 * @param adminPort      {@code ADMIN_PORT}: metrics on 127.0.0.1, empty = off
 * @param dataDir        {@code DATA_DIR} (./data)
 * @param store          {@code STORE} (sqlite)
 * @param database       {@code DATABASE_URL}, required for {@code STORE=postgres}
 * @param rateLimitBackend {@code RATE_LIMIT_BACKEND} (memory)
 * @param redisUrl       {@code REDIS_URL}, required for {@code RATE_LIMIT_BACKEND=redis}
 * @param mounts         which risky servlets are mounted ({@code ALLOW_TEST_ENDPOINTS}, {@code DEBUG_TRACE_ENABLED})
 * @param uploadLimitBytes {@code UPLOAD_SIZE_LIMIT_MB} (10) in bytes
 * @param sessions       {@code SESSION_TTL_MINUTES}, {@code SESSION_MAX_ENTRIES}
 * @param llm            {@code LLM_URL} (+ {@code LLM_CACHE_MAX_SIZE}); empty = rule-based analysis
 * @param email          {@code EMAIL_URL}; empty = emails stay queued
 * @param chain          the filter chain, without a rate-limit store (the server adds Redis when asked)
 */
public record ServerConfig(Environment environment, String bind, int port, Optional<Integer> adminPort,
        Path dataDir, StoreKind store, Optional<PostgresStoreConfig> database, RateLimitBackend rateLimitBackend,
        Optional<URI> redisUrl, WorkflowMounts mounts, long uploadLimitBytes, ConversationCache.Settings sessions,
        Optional<LlmConfig> llm, Optional<EmailConfig> email, Hardening.Config chain) {

    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final String DEFAULT_DATA_DIR = "./data";
    public static final long DEFAULT_UPLOAD_LIMIT_MB = 10;
    public static final double DEFAULT_GENERAL_RPS = 50;
    public static final long DEFAULT_GENERAL_BURST = 100;
    /** The largest upload limit accepted, so the multipart arithmetic cannot overflow. */
    public static final long MAX_UPLOAD_LIMIT_MB = 1024L * 1024;

    /**
     * Routes that the strict limit ({@code RATE_LIMIT_RPS}/{@code BURST}) covers: those that cost
     * the most (analysis, uploads) and every one that sends email. Besides the test emails and task
     * approval (to the client), every route that opens a task notifies the team's HIL address:
     * a conversation's messages, the availability check and the (dev-only) deposit payment.
     */
    public static final List<String> STRICT_RATE_LIMIT_PATHS = List.of(
            "POST /api/start-conversation",
            "POST /api/send-message",
            "POST /api/uploads",
            "POST /api/tasks/*",
            "POST /api/events/*",
            "POST /api/event/deposit/pay",
            "POST /api/config/hil-email/test",
            "POST /api/emails/test");
    /**
     * Every other route gets the looser general limit: the API, the snapshot pages, and any other
     * path, where a wrong key is answered 401 all the same and must not be guessed at unslowed.
     * {@code /health} is never limited (the allowlist).
     */
    public static final List<String> GENERAL_RATE_LIMIT_PATHS = List.of("/*");

    /** {@code STORE}. */
    public enum StoreKind {
        SQLITE, POSTGRES;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code RATE_LIMIT_BACKEND}. */
    public enum RateLimitBackend {
        MEMORY, REDIS;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ServerConfig {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(adminPort, "adminPort");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(rateLimitBackend, "rateLimitBackend");
        Objects.requireNonNull(redisUrl, "redisUrl");
        Objects.requireNonNull(mounts, "mounts");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(llm, "llm");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(chain, "chain");
        if (store == StoreKind.POSTGRES && database.isEmpty()) {
            throw new InvalidSettingException("DATABASE_URL", "DATABASE_URL must be set when STORE=postgres");
        }
        if (rateLimitBackend == RateLimitBackend.REDIS && redisUrl.isEmpty()) {
            throw new InvalidSettingException("REDIS_URL", "REDIS_URL must be set when RATE_LIMIT_BACKEND=redis");
        }
    }

    /**
     * Parses every variable through {@code env} (normally {@code System::getenv}).
     *
     * @throws InvalidSettingException naming the first bad variable
     */
    public static ServerConfig fromEnvironment(Function<String, String> env) {
        Objects.requireNonNull(env, "env");
        Settings settings = Settings.fromEnvironment(env);
        Environment environment = Environment.resolve(env);
        int port = port(settings, "PORT", DEFAULT_PORT);
        Optional<Integer> adminPort = settings.raw(null, "ADMIN_PORT").map(s -> port(settings, "ADMIN_PORT", 0));
        String bind = settings.string(null, "BIND", DEFAULT_BIND);
        Path dataDir = path(settings.string(null, "DATA_DIR", DEFAULT_DATA_DIR));
        StoreKind store = word(settings, "STORE", StoreKind.class, StoreKind.SQLITE);
        Optional<PostgresStoreConfig> database = settings.raw(null, "DATABASE_URL").map(s -> databaseUrl(s.value()));
        RateLimitBackend backend = word(settings, "RATE_LIMIT_BACKEND", RateLimitBackend.class, RateLimitBackend.MEMORY);
        Optional<URI> redisUrl = settings.raw(null, "REDIS_URL").map(s -> redisUri(s.value().trim()));
        long uploadMb = settings.nonNegativeLong(null, "UPLOAD_SIZE_LIMIT_MB", DEFAULT_UPLOAD_LIMIT_MB);
        if (uploadMb < 1 || uploadMb > MAX_UPLOAD_LIMIT_MB) {
            throw bad("UPLOAD_SIZE_LIMIT_MB", Long.toString(uploadMb),
                    "a whole number >= 1 and <= " + MAX_UPLOAD_LIMIT_MB);
        }
        long uploadLimitBytes = uploadMb * 1024 * 1024;
        WorkflowMounts mounts = named(() -> WorkflowMounts.decide(environment, env));
        ConversationCache.Settings sessions = named(() -> ConversationCache.Settings.fromEnvironment(env));
        Optional<LlmConfig> llm = named(() -> LlmConfig.fromEnvironment(env));
        Optional<EmailConfig> email = named(() -> EmailConfig.fromEnvironment(env));
        Hardening.Config chain = chain(env, settings, environment, mounts, uploadLimitBytes);
        return new ServerConfig(environment, bind, port, adminPort, dataDir, store, database, backend, redisUrl,
                mounts, uploadLimitBytes, sessions, llm, email, chain);
    }

    /** Every field, as the record would print it, but {@code REDIS_URL} without its credentials. */
    @Override
    public String toString() {
        return "ServerConfig[environment=" + environment + ", bind=" + bind + ", port=" + port
                + ", adminPort=" + adminPort + ", dataDir=" + dataDir + ", store=" + store + ", database=" + database
                + ", rateLimitBackend=" + rateLimitBackend
                + ", redisUrl=" + redisUrl.map(ServerConfig::withoutCredentials)
                + ", mounts=" + mounts + ", uploadLimitBytes=" + uploadLimitBytes + ", sessions=" + sessions
                + ", llm=" + llm + ", email=" + email + ", chain=" + chain + "]";
    }

    private static String withoutCredentials(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.getScheme() + "://***@" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /**
     * The general limiter's place in {@link Hardening.Installed#rateLimits()}: first. Each limiter
     * takes its token before the next decides, so a request the later one refuses has spent the
     * earlier one's: with the strict limiter first, a client refused by the general one drained its
     * high-risk budget with requests that never ran, and was told the general limit's short
     * {@code Retry-After}, after which the strict one refused it for the budget's whole refill. The
     * other way round, a strict refusal costs one token of the general budget, 50 a second.
     */
    public static final int GENERAL_LIMIT = 0;
    /** The strict limiter's place, after the general one. */
    public static final int STRICT_LIMIT = 1;

    public RateLimitFilter.Config strictRateLimit() {
        return chain.rateLimits().get(STRICT_LIMIT);
    }

    public RateLimitFilter.Config generalRateLimit() {
        return chain.rateLimits().get(GENERAL_LIMIT);
    }

    private static Hardening.Config chain(Function<String, String> env, Settings settings, Environment environment,
            WorkflowMounts mounts, long uploadLimitBytes) {
        Hardening.Builder builder = Hardening.fromEnvironment(env, environment);
        Hardening.Config base = builder.build();
        RateLimitFilter.Config strict = base.rateLimits().get(0).toBuilder().paths(STRICT_RATE_LIMIT_PATHS).build();
        double generalRps = settings.positiveDouble(null, "RATE_LIMIT_GENERAL_RPS", DEFAULT_GENERAL_RPS);
        long generalBurst = settings.nonNegativeLong(null, "RATE_LIMIT_GENERAL_BURST", DEFAULT_GENERAL_BURST);
        if (generalBurst < 1) {
            throw bad("RATE_LIMIT_GENERAL_BURST", "0", "a whole number >= 1");
        }
        RateLimitFilter.Config general;
        try {
            general = strict.toBuilder().rps(generalRps).burst(generalBurst).paths(GENERAL_RATE_LIMIT_PATHS).build();
        } catch (InvalidSettingException e) {
            // The config names its fields (rps, burst); the operator wrote these variables.
            String variable = "burst".equals(e.key()) ? "RATE_LIMIT_GENERAL_BURST" : "RATE_LIMIT_GENERAL_RPS";
            String written = settings.raw(null, variable).map(src -> src.value().trim())
                    .orElse("burst".equals(e.key()) ? Long.toString(generalBurst) : Double.toString(generalRps));
            throw e.as(variable, written);
        }

        RequestSizeLimitFilter.Config size = base.sizeLimit().toBuilder()
                .pathLimit("/api/uploads", WorkflowServlets.uploadRequestLimit(uploadLimitBytes))
                .build();

        ApiKeyAuthFilter.Config.Builder auth = ApiKeyAuthFilter.Config.builder();
        Optional<Settings.Source> keys = settings.raw(null, ApiKeyAuthFilter.ENV_KEYS);
        if (keys.isPresent()) {
            auth.keys(keys.get().value());
        }
        mounts.accessRules(auth);
        ApiKeyAuthFilter.Config authConfig = auth.build();
        Set<String> unknownRoles = new TreeSet<>(authConfig.keys().roles());
        unknownRoles.removeAll(Roles.ALL);
        if (!unknownRoles.isEmpty()) {
            // A typo such as "manger" would leave the key refused with 403 everywhere; role names are not secret.
            throw new InvalidSettingException(ApiKeyAuthFilter.ENV_KEYS, "Invalid value for API_KEYS: unknown role "
                    + String.join(", ", unknownRoles) + " (expected " + String.join(" or ", new TreeSet<>(Roles.ALL))
                    + ")");
        }

        List<String> devOnly = new ArrayList<>(WorkflowServlets.TEST_ENDPOINT_PATHS);
        devOnly.addAll(WorkflowServlets.DEBUG_ENDPOINT_PATHS);
        return builder
                .rateLimits(List.of(general, strict))
                .sizeLimit(size)
                .apiKeyAuth(authConfig)
                .environmentGate(EnvironmentGateFilter.Config.builder().environment(environment)
                        .devOnlyPaths(devOnly).build())
                .build();
    }

    private static int port(Settings settings, String variable, int fallback) {
        long port = settings.nonNegativeLong(null, variable, fallback);
        if (port > 65_535) {
            throw bad(variable, Long.toString(port), "0 to 65535");
        }
        return (int) port;
    }

    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new InvalidSettingException("DATA_DIR", "Invalid value for DATA_DIR (not a usable path)");
        }
    }

    private static PostgresStoreConfig databaseUrl(String text) {
        try {
            return PostgresStoreConfig.fromDatabaseUrl(text);
        } catch (IllegalArgumentException e) {
            // The message never repeats the value: a database URL may carry a password.
            throw new InvalidSettingException("DATABASE_URL", "Invalid value for DATABASE_URL: " + e.getMessage()
                    + " (expected postgresql://user:password@host:5432/database or jdbc:postgresql://host:5432/database)");
        }
    }

    private static URI redisUri(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("redis") || scheme.equals("rediss")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // the value is not repeated: a Redis URL may carry a password
            throw new InvalidSettingException("REDIS_URL", "REDIS_URL must be a redis:// or rediss:// URL with a host");
        }
        throw new InvalidSettingException("REDIS_URL", "REDIS_URL must be a redis:// or rediss:// URL with a host");
    }

    private static <E extends Enum<E>> E word(Settings settings, String variable, Class<E> type, E fallback) {
        Optional<Settings.Source> source = settings.raw(null, variable);
        if (source.isEmpty()) {
            return fallback;
        }
        String text = source.get().value().trim();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        List<String> words = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            words.add(constant.name().toLowerCase(Locale.ROOT));
        }
        throw bad(variable, text, String.join(" or ", words));
    }

    /**
     * Runs a parser from the workflow module, whose {@link IllegalArgumentException} messages
     * already name the variable, and gives the failure the server's exception type.
     */
    private static <T> T named(java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(variableIn(e.getMessage()), e.getMessage());
        }
    }

    static InvalidSettingException bad(String variable, String value, String expected) {
        return new InvalidSettingException(variable,
                "Invalid value for " + variable + ": \"" + printable(value) + "\" (expected " + expected + ")");
    }

    /** At most 40 printable ASCII characters of a value, so it cannot forge or flood a log line. */
    static String printable(String raw) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length() && out.length() < 40; i++) {
            char c = raw.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    /** The first upper-case word with an underscore or a known name in a message, for the exception's key. */
    private static String variableIn(String message) {
        if (message != null) {
            for (String word : message.split("[^A-Z0-9_]+")) {
                if (word.length() > 2 && word.contains("_")) {
                    return word;
                }
            }
        }
        return "environment";
    }
}
