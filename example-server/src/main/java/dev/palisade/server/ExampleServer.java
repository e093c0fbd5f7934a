package dev.palisade.server;

import dev.palisade.filters.Hardening;
import dev.palisade.filters.InvalidSettingException;
import dev.palisade.filters.RateLimitFilter;
import dev.palisade.filters.RedisBucketStore;
import dev.palisade.workflow.WorkflowServlets;
import dev.palisade.workflow.analysis.LlmAnalyzer;
import dev.palisade.workflow.analysis.MessageAnalyzer;
import dev.palisade.workflow.analysis.RuleBasedAnalyzer;
import dev.palisade.workflow.email.OutboxSender;
import dev.palisade.workflow.engine.WorkflowSettings;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.StoreStartupException;
import dev.palisade.workflow.store.jdbc.PostgresStores;
import dev.palisade.workflow.store.jdbc.SqliteStores;
import dev.palisade.workflow.uploads.UploadStorage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference server: embedded Jetty 12 with the Palisade chain in front of the booking workflow,
 * composed in one place ({@link #start}) from a {@link ServerConfig}. What is mounted, which limits
 * apply where, and what runs in the background is decided here and nowhere else.
 *
 * <p>{@link #close()} is the graceful stop: the connector stops accepting, requests in flight get up to
 * {@link #STOP_TIMEOUT} to finish, then the outbox sender sends what is due for at most
 * {@link OutboxSender#FLUSH_WINDOW} (the rest stays queued), the snapshot purge stops and the store closes.
 */
public final class ExampleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExampleServer.class);
    private static final byte[] HEALTH = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

    /** How long requests in flight may take to finish once a stop begins. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** Connections idle this long are closed; each byte received restarts it. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(20);
    /**
     * A request's line and headers must be complete this long after the connection opened (or the
     * previous response on it ended), however they trickle in (slowloris).
     */
    public static final Duration REQUEST_HEAD_DEADLINE = Duration.ofSeconds(20);
    /**
     * Open connections past which the server stops accepting (new ones wait in the listen backlog):
     * bounds the file descriptors clients can hold. Needs an open-files limit well above it.
     */
    public static final int MAX_CONNECTIONS = 2_000;
    /** A request body trickling in slower than this is aborted (slow-client attacks). */
    public static final long MIN_REQUEST_BYTES_PER_SECOND = 256;
    /** Request line plus headers; past it Jetty answers 431. */
    public static final int MAX_REQUEST_HEADER_BYTES = 8 * 1024;
    public static final int MAX_THREADS = 200;
    public static final int MIN_THREADS = 8;
    /** How often expired info-page snapshots are deleted. */
    public static final Duration PURGE_INTERVAL = Duration.ofHours(1);
    /** How long an upload's temp file must sit unwritten before another process may treat it as abandoned. */
    static final Duration ABANDONED_UPLOAD_IDLE = Duration.ofHours(1);

    private final Server server;
    private final ServerConnector connector;
    private final Optional<AdminServer> admin;
    private final Deque<AutoCloseable> resources;
    private final String startupLine;
    private final Hardening.Installed chain;
    private final StatisticsHandler statistics;
    private boolean closed;

    private ExampleServer(Server server, ServerConnector connector, Optional<AdminServer> admin,
            Deque<AutoCloseable> resources, String startupLine, Hardening.Installed chain,
            StatisticsHandler statistics) {
        this.statistics = statistics;
        this.server = server;
        this.connector = connector;
        this.admin = admin;
        this.resources = resources;
        this.startupLine = startupLine;
        this.chain = chain;
    }

    /**
     * Opens the store, starts the background work and Jetty, and logs the start-up line.
     *
     * @throws InvalidSettingException naming the variable when something configured cannot be used
     *         (a taken port, an unusable data directory, an unreachable Redis, an unsupported store);
     *         everything opened so far is closed again
     */
    public static ExampleServer start(ServerConfig config, Clock clock) {
        return start(config, clock, ConnectionLimits.DEFAULTS);
    }

    /** {@link #start(ServerConfig, Clock)} with another idle timeout, for tests of slow clients. */
    static ExampleServer start(ServerConfig config, Clock clock, Duration idleTimeout) {
        return start(config, clock, new ConnectionLimits(idleTimeout, REQUEST_HEAD_DEADLINE, MAX_CONNECTIONS));
    }

    /** The connection limits, fixed in production ({@link ConnectionLimits#DEFAULTS}); tests shorten them. */
    record ConnectionLimits(Duration idleTimeout, Duration requestHeadDeadline, int maxConnections) {
        static final ConnectionLimits DEFAULTS = new ConnectionLimits(IDLE_TIMEOUT, REQUEST_HEAD_DEADLINE,
                MAX_CONNECTIONS);
    }

    /** {@link #start(ServerConfig, Clock)} with other connection limits, for tests of slow clients. */
    static ExampleServer start(ServerConfig config, Clock clock, ConnectionLimits limits) {
        // Closed in reverse order of opening, on failure here and on close().
        Deque<AutoCloseable> resources = new ArrayDeque<>();
        try {
            return startUp(config, clock, resources, limits);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    private static ExampleServer startUp(ServerConfig config, Clock clock, Deque<AutoCloseable> resources,
            ConnectionLimits connectionLimits) {
        Store store = openStore(config, clock);
        resources.push(store);
        UploadStorage uploads = uploads(config, clock);
        Optional<LlmAnalyzer> llm = config.llm().map(c -> new LlmAnalyzer(c, new RuleBasedAnalyzer(), clock));
        MessageAnalyzer analyzer = llm.<MessageAnalyzer>map(a -> a).orElseGet(RuleBasedAnalyzer::new);
        WorkflowServlets servlets = WorkflowServlets.create(store, analyzer, clock, config.sessions(),
                WorkflowSettings.defaults(), uploads);

        List<RateLimitFilter.Config> limits = rateLimits(config, resources);
        Hardening.Config chainConfig = new Hardening.Config(config.chain().accessLog(),
                config.chain().securityHeaders(), limits, config.chain().sizeLimit(), config.chain().apiKeyAuth(),
                config.chain().environmentGate(), config.chain().matchAfter());

        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName("http");
        Server server = new Server(threads);
        HttpConfiguration http = httpConfiguration(connectionLimits.idleTimeout());
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.bind());
        connector.setPort(config.port());
        connector.setIdleTimeout(connectionLimits.idleTimeout().toMillis());
        RequestHeadDeadline headDeadline = new RequestHeadDeadline(connector.getScheduler(),
                connectionLimits.requestHeadDeadline());
        connector.addBean(headDeadline);
        http.addCustomizer(headDeadline);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(connectionLimits.maxConnections(), connector));

        AtomicReference<Hardening.Installed> installed = new AtomicReference<>();
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.setErrorHandler(new ProblemErrorHandler());
        context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> {
            installed.set(Hardening.install(ctx, chainConfig));
            ctx.addServlet("health", new HealthServlet()).addMapping("/health");
            config.mounts().install(servlets, ctx);
        });
        StatisticsHandler statistics = new StatisticsHandler(new TraceRejectingHandler(context));
        GracefulHandler graceful = new GracefulHandler(statistics);
        server.setHandler(graceful);
        server.setErrorHandler(new ProblemErrorHandler());
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        server.setStopAtShutdown(false);
        // Background work starts before Jetty so that it stops after Jetty: the stop lets requests in
        // flight finish first, then the outbox drains what they queued, then the store closes.
        Optional<OutboxSender> outbox = config.email().map(c -> OutboxSender.create(c, store, clock));
        outbox.ifPresent(sender -> {
            sender.start();
            // One last drain while the store is still open, with a deadline: the rest stays queued.
            resources.push(sender::stop);
        });
        ScheduledExecutorService purge = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "snapshot-purge");
            thread.setDaemon(true);
            return thread;
        });
        purge.scheduleWithFixedDelay(() -> purgeSnapshots(store, clock), PURGE_INTERVAL.toMillis(),
                PURGE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        resources.push(() -> stopPurge(purge));

        resources.push(() -> stopJetty(server, graceful));
        startJetty(server, "PORT", config.port(), config.bind());

        Optional<AdminServer> admin = Optional.empty();
        if (config.adminPort().isPresent()) {
            Metrics metrics = new Metrics(server, statistics, installed.get(), servlets.conversations(), llm, store, clock);
            resources.push(metrics);
            AdminServer started = AdminServer.start(config.adminPort().get(), metrics);
            resources.push(started);
            admin = Optional.of(started);
        }

        String line = startupLine(config, connector.getLocalPort(), store, admin, llm.isPresent(), outbox.isPresent());
        LOG.info(line);
        // The chain is installed once the context has started, which start() waited for.
        return new ExampleServer(server, connector, admin, resources, line, installed.get(), statistics);
    }

    private static HttpConfiguration httpConfiguration(Duration idleTimeout) {
        HttpConfiguration http = new HttpConfiguration();
        // No version banner: it only helps an attacker pick exploits.
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
        http.setMinRequestDataRate(MIN_REQUEST_BYTES_PER_SECOND);
        // Jetty checks that rate on the servlet input stream only; its own getParts() reads past it.
        http.addCustomizer(new MinimumDataRate());
        http.setIdleTimeout(idleTimeout.toMillis());
        return http;
    }

    static void startJetty(Server server, String variable, int port, String host) {
        try {
            server.start();
        } catch (IOException e) {
            BindException bind = bindFailure(e);
            if (bind != null && String.valueOf(bind.getMessage()).contains("in use")) {
                throw new InvalidSettingException(variable, variable + " " + port + " on " + host + " is already in use");
            }
            // "Cannot assign requested address" (BIND names an address this host does not have),
            // "Permission denied" (a port below 1024), an unknown host name: the JDK's words say which.
            Throwable reason = bind != null ? bind : e;
            throw new InvalidSettingException(variable, "Cannot listen on " + host + ":" + port
                    + " (" + variable + ", BIND): " + reason.getClass().getSimpleName() + ": " + oneLine(reason.getMessage()));
        } catch (InvalidSettingException | StoreStartupException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("The HTTP server did not start", e);
        }
    }

    private static BindException bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return (BindException) t;
            }
        }
        return null;
    }

    private static Store openStore(ServerConfig config, Clock clock) {
        if (config.store() == ServerConfig.StoreKind.POSTGRES) {
            try {
                return PostgresStores.open(config.database().orElseThrow());
            } catch (StoreStartupException e) {
                throw new InvalidSettingException("DATABASE_URL", "DATABASE_URL: " + e.getMessage());
            }
        }
        try {
            return SqliteStores.open(config.dataDir(), clock);
        } catch (StoreStartupException e) {
            throw new InvalidSettingException("DATA_DIR", "DATA_DIR " + config.dataDir() + ": " + e.getMessage());
        }
    }

    private static UploadStorage uploads(ServerConfig config, Clock clock) {
        Path root = config.dataDir().resolve("uploads");
        UploadStorage uploads = new UploadStorage(root, config.uploadLimitBytes(), clock);
        try {
            Files.createDirectories(root);
            requireWritable(config, root);
            if (config.store() == ServerConfig.StoreKind.POSTGRES) {
                // No data-directory lock here: servers sharing the database may share DATA_DIR too, so only
                // temp files idle long enough to be a crash's leftovers are another process's to remove.
                uploads.removeAbandonedTempFiles(ABANDONED_UPLOAD_IDLE);
            } else {
                // The SQLite store holds the data-directory lock: no other process uploads here.
                uploads.removeAbandonedTempFiles();
            }
        } catch (IOException e) {
            throw new InvalidSettingException("DATA_DIR", "DATA_DIR " + config.dataDir()
                    + ": the uploads directory cannot be prepared (" + e.getClass().getSimpleName() + ")");
        }
        return uploads;
    }

    private static List<RateLimitFilter.Config> rateLimits(ServerConfig config, Deque<AutoCloseable> resources) {
        if (config.rateLimitBackend() != ServerConfig.RateLimitBackend.REDIS) {
            return config.chain().rateLimits();
        }
        RedisClient client = RedisClient.create(config.redisUrl().orElseThrow().toString());
        resources.push(client::shutdown);
        StatefulRedisConnection<byte[], byte[]> connection;
        try {
            connection = client.connect(ByteArrayCodec.INSTANCE);
        } catch (RedisException e) {
            throw new InvalidSettingException("REDIS_URL", redisRefusal(e)
                    .map(refusal -> "REDIS_URL: Redis refused the connection's login or database (" + refusal + ")")
                    .orElse("REDIS_URL: Redis cannot be reached (" + e.getClass().getSimpleName() + ")"));
        }
        resources.push(connection::close);
        List<RateLimitFilter.Config> limits = new ArrayList<>(config.chain().rateLimits());
        limits.set(ServerConfig.GENERAL_LIMIT, config.generalRateLimit().toBuilder()
                .store(RedisBucketStore.lettuce(connection, "palisade:rl:general:")).build());
        limits.set(ServerConfig.STRICT_LIMIT, config.strictRateLimit().toBuilder()
                .store(RedisBucketStore.lettuce(connection, "palisade:rl:strict:")).build());
        return limits;
    }

    /**
     * Redis's own answer where it refused the connection's setup (a wrong or missing password, a
     * database it does not have: {@code WRONGPASS ...}, {@code NOAUTH ...}, {@code ERR DB index is out
     * of range}), which "cannot be reached" would misname. Redis's error text never holds the password;
     * it is cut short and its control characters dropped all the same.
     */
    static Optional<String> redisRefusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException && t.getMessage() != null) {
                return Optional.of(oneLine(t.getMessage()));
            }
        }
        return Optional.empty();
    }

    /**
     * Writes and removes a file in the uploads directory: permission bits say nothing to root, nor of an
     * immutable directory or a read-only mount (a review: the server started, then failed every upload).
     */
    private static void requireWritable(ServerConfig config, Path root) {
        try {
            Files.delete(Files.createTempFile(root, ".write-check-", ".tmp"));
        } catch (IOException e) {
            throw new InvalidSettingException("DATA_DIR", "DATA_DIR " + config.dataDir() + ": the uploads directory "
                    + root + " is not writable by this process (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A library's message for the one start-up line: control characters dropped, at most 120 characters. */
    private static String oneLine(String message) {
        String line = String.valueOf(message).replaceAll("\\p{Cntrl}", " ").strip();
        return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    }

    private static void purgeSnapshots(Store store, Clock clock) {
        try {
            int purged = store.purgeExpiredSnapshots(clock.instant());
            LOG.debug("Purged {} expired snapshots", purged);
        } catch (RuntimeException e) {
            // An executor drops a task that throws; log it and let the next run try again.
            LOG.error("Purging expired snapshots failed; the next run tries again", e);
        }
    }

    private static void stopPurge(ScheduledExecutorService purge) throws InterruptedException {
        purge.shutdown();
        if (!purge.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("Snapshot purge still running after 5 s; interrupting it");
            purge.shutdownNow();
        }
    }

    static String startupLine(ServerConfig config, int port, Store store, Optional<AdminServer> admin,
            boolean llm, boolean email) {
        RateLimitFilter.Config strict = config.strictRateLimit();
        RateLimitFilter.Config general = config.generalRateLimit();
        return "Palisade example server on http://" + config.bind() + ":" + port
                + " - mode " + config.environment().mode().label() + " (" + config.environment().reason() + ")"
                + "; risky routes mounted: " + config.mounts().describeRiskyPaths()
                + "; store " + store.describe()
                + "; rate limits (" + config.rateLimitBackend().word() + "): high-risk " + strict.rps() + "/s burst "
                + strict.burst() + ", general " + general.rps() + "/s burst " + general.burst()
                + "; request size limit " + config.chain().sizeLimit().maxBytes() + " bytes, uploads "
                + config.uploadLimitBytes() + " bytes"
                + "; api keys " + apiKeys(config.chain().apiKeyAuth().keys().size())
                + "; analysis " + (llm ? "llm" : "rules")
                + "; email " + (email ? "on" : "off (queued)")
                + "; metrics " + admin.map(a -> "http://127.0.0.1:" + a.port() + "/metrics").orElse("off");
    }

    private static String apiKeys(int count) {
        return count == 0 ? "0 (every protected route answers 401)" : Integer.toString(count);
    }

    /** The main connector's port (the real one when {@code PORT=0}). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The admin (metrics) port, when {@code ADMIN_PORT} is set. */
    public Optional<Integer> adminPort() {
        return admin.map(AdminServer::port);
    }

    /** The line logged at start. */
    public String startupLine() {
        return startupLine;
    }

    /** The filters installed, with their rejection counters. */
    public Hardening.Installed chain() {
        return chain;
    }

    /** Requests being handled now (for tests of the graceful stop). */
    int activeRequests() {
        return statistics.getRequestsActive();
    }

    /** True once a stop has begun and until Jetty has stopped. */
    boolean stopping() {
        return server.isStopping();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /** Graceful stop; safe to call twice (a shutdown hook and a test may both call it). */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long started = System.nanoTime();
        closeAll(resources);
        LOG.info("Stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Stops accepting, gives the requests in flight {@link #STOP_TIMEOUT}, and says how many it had to
     * cut: past the timeout Jetty's stop fails with a {@code TimeoutException}, which is the stop
     * working as documented, not a failure to report with a stack trace.
     */
    private static void stopJetty(Server server, GracefulHandler graceful) throws Exception {
        if (!server.isStarted()) {
            // A start that failed: nothing was served, so there is nothing to say.
            server.stop();
            return;
        }
        long inFlight = graceful.getCurrentRequestCount();
        LOG.info("Stopping: no new connections; {} request(s) in flight get up to {} s", inFlight,
                STOP_TIMEOUT.toSeconds());
        try {
            server.stop();
        } catch (TimeoutException e) {
            // Jetty has closed their connections by now, so it can no longer say how many there were.
            LOG.warn("Stopped after {} s; the requests still in flight then were cut ({} in flight when the stop began)",
                    STOP_TIMEOUT.toSeconds(), inFlight);
        }
    }

    private static void closeAll(Deque<AutoCloseable> resources) {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("Interrupted while stopping; continuing with the rest", e);
            } catch (Exception e) {
                LOG.error("Stopping a part of the server failed; continuing with the rest", e);
            }
        }
    }

    /** {@code GET /health}: exactly {@code {"status":"ok"}}, never rate limited. */
    static final class HealthServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("application/json");
            resp.setContentLength(HEALTH.length);
            resp.getOutputStream().write(HEALTH);
        }
    }
}
