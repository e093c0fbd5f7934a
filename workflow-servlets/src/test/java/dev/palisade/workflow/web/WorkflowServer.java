package dev.palisade.workflow.web;

import dev.palisade.filters.ApiKeyAuthFilter;
import dev.palisade.filters.Environment;
import dev.palisade.filters.EnvironmentGateFilter;
import dev.palisade.filters.Hardening;
import dev.palisade.filters.RequestSizeLimitFilter;
import dev.palisade.workflow.WorkflowMounts;
import dev.palisade.workflow.WorkflowServlets;
import dev.palisade.workflow.analysis.MessageAnalyzer;
import dev.palisade.workflow.analysis.RuleBasedAnalyzer;
import dev.palisade.workflow.engine.BookingWorkflow;
import dev.palisade.workflow.engine.WorkflowSettings;
import dev.palisade.workflow.session.ConversationCache;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.jdbc.SqliteStoreConfig;
import dev.palisade.workflow.store.jdbc.SqliteStores;
import dev.palisade.workflow.testing.MutableClock;
import dev.palisade.workflow.uploads.UploadStorage;
import jakarta.servlet.ServletContainerInitializer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty on a free port with the Palisade chain ({@code Hardening}: API keys for two teams,
 * size limits, dev mode) in front of the workflow servlets, on a real SQLite store in a temporary
 * directory, plus an HTTP client. Tests are a few lines each.
 */
public final class WorkflowServer implements AutoCloseable {
    public static final String MANAGER_A = "manager-a-0123456789abcdef";
    public static final String SYSTEM_A = "system-a-0123456789abcdef";
    public static final String MANAGER_B = "manager-b-0123456789abcdef";
    public static final String SYSTEM_B = "system-b-0123456789abcdef";
    public static final String TEAM_A = "team-a";
    public static final String TEAM_B = "team-b";
    /** The venue's "today": 1 March 2027, 09:00 UTC. */
    public static final Instant START = Instant.parse("2027-03-01T09:00:00Z");

    private final Server server;
    private final Store store;
    private final WorkflowServlets servlets;
    private final MutableClock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    private WorkflowServer(Server server, Store store, WorkflowServlets servlets, MutableClock clock) {
        this.server = server;
        this.store = store;
        this.servlets = servlets;
        this.clock = clock;
        this.base = "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    public Store store() {
        return store;
    }

    public BookingWorkflow workflow() {
        return servlets.workflow();
    }

    public ConversationCache conversations() {
        return servlets.conversations();
    }

    public MutableClock clock() {
        return clock;
    }

    // --- HTTP ----------------------------------------------------------------------------------

    public HttpResult get(String path, String token) {
        return send(request(path, token).GET());
    }

    public HttpResult post(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    public HttpResult put(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    /** The port the server listens on (127.0.0.1), for raw-socket tests. */
    public int port() {
        return Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
    }

    /** Any method, content type and body. */
    public HttpResult send(String method, String path, String token, String contentType, byte[] body) {
        HttpRequest.Builder builder = request(path, token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder);
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    public HttpResult send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        try {
            try {
                return result(http.send(built, HttpResponse.BodyHandlers.ofString()));
            } catch (IOException staleConnection) {
                // A refusal that leaves the request body unread (401 before any body is read, by design)
                // makes Jetty close that keep-alive connection after answering; the JDK client may already
                // have picked it from its pool for the next request, which then fails before a byte is
                // answered. That request never reached the server: send it once more on a new connection.
                if (!String.valueOf(staleConnection.getMessage()).contains("received no bytes")) {
                    throw staleConnection;
                }
                return result(http.send(built, HttpResponse.BodyHandlers.ofString()));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResult result(HttpResponse<String> response) {
        return new HttpResult(response.statusCode(), response.headers(), response.body());
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            store.close();
        }
    }

    /** Options of the test server. */
    public static final class Builder {
        private final Path dataDir;
        private long sessionMaxEntries = 10_000;
        private long uploadLimit = 64 * 1024;
        private boolean testEndpoints = true;
        private boolean debugEndpoints = true;
        private MessageAnalyzer analyzer = new RuleBasedAnalyzer();
        private Duration busyTimeout = SqliteStoreConfig.DEFAULT_BUSY_TIMEOUT;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder sessionMaxEntries(long entries) {
            this.sessionMaxEntries = entries;
            return this;
        }

        public Builder uploadLimit(long bytes) {
            this.uploadLimit = bytes;
            return this;
        }

        /** Core routes only, as in production. */
        public Builder coreOnly() {
            this.testEndpoints = false;
            this.debugEndpoints = false;
            return this;
        }

        /** How long a writer waits for its turn before the request is answered 503. */
        public Builder busyTimeout(Duration timeout) {
            this.busyTimeout = timeout;
            return this;
        }

        public Builder analyzer(MessageAnalyzer analyzer) {
            this.analyzer = analyzer;
            return this;
        }

        public WorkflowServer start() throws Exception {
            MutableClock clock = new MutableClock(START);
            Store store = SqliteStores.open(new SqliteStoreConfig(dataDir.resolve("data"), clock,
                    SqliteStoreConfig.DEFAULT_POOL_SIZE, busyTimeout));
            UploadStorage uploads = new UploadStorage(dataDir.resolve("uploads"), uploadLimit, clock);
            WorkflowServlets servlets = WorkflowServlets.create(store, analyzer, clock,
                    new ConversationCache.Settings(Duration.ofMinutes(30), sessionMaxEntries),
                    WorkflowSettings.defaults(), uploads);
            List<String> devOnly = new ArrayList<>(WorkflowServlets.TEST_ENDPOINT_PATHS);
            devOnly.addAll(WorkflowServlets.DEBUG_ENDPOINT_PATHS);
            WorkflowMounts mounts = new WorkflowMounts(testEndpoints, debugEndpoints);
            ApiKeyAuthFilter.Config auth = mounts.accessRules(ApiKeyAuthFilter.Config.builder())
                    .key(MANAGER_A, TEAM_A, "manager")
                    .key(SYSTEM_A, TEAM_A, "system")
                    .key(MANAGER_B, TEAM_B, "manager")
                    .key(SYSTEM_B, TEAM_B, "system")
                    .build();
            Hardening.Config chain = Hardening.builder()
                    .rateLimit(null)
                    .sizeLimit(RequestSizeLimitFilter.Config.builder()
                            .pathLimit("/api/uploads", WorkflowServlets.uploadRequestLimit(uploadLimit))
                            .build())
                    .apiKeyAuth(auth)
                    .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.DEV)
                            .devOnlyPaths(devOnly).build())
                    .build();

            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
            context.setContextPath("/");
            context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> {
                Hardening.install(ctx, chain);
                mounts.install(servlets, ctx);
            });
            server.setHandler(context);
            try {
                server.start();
            } catch (Exception e) {
                store.close();
                throw e;
            }
            return new WorkflowServer(server, store, servlets, clock);
        }
    }
}
