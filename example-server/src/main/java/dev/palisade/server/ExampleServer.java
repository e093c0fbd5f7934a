package dev.palisade.server;

import dev.palisade.filters.Environment;
import dev.palisade.filters.Hardening;
import dev.palisade.filters.InvalidSettingException;
import dev.palisade.filters.Settings;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference server as far as it is built: embedded Jetty 12 with the Palisade chain and
 * {@code /health}. The booking workflow, metrics and the rest of the contract's routes come with
 * their issues.
 */
public final class ExampleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExampleServer.class);
    private static final byte[] HEALTH = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

    private final Server server;
    private final ServerConnector connector;

    private ExampleServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts on {@code BIND:PORT} (127.0.0.1:8080 by default) with the chain read from {@code env}.
     *
     * @throws InvalidSettingException for a bad setting, naming the variable
     */
    public static ExampleServer start(Function<String, String> env) throws Exception {
        Settings settings = Settings.fromEnvironment(env);
        long port = settings.nonNegativeLong(null, "PORT", 8080);
        if (port > 65_535) {
            throw new InvalidSettingException("PORT", "Invalid value for PORT: \"" + port + "\" (expected 0 to 65535)");
        }
        String bind = settings.string(null, "BIND", "127.0.0.1");
        Environment environment = Environment.resolve(env);
        Hardening.Config chain = Hardening.fromEnvironment(env, environment).build();

        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        // No version banner: it only helps an attacker pick exploits.
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(bind);
        connector.setPort((int) port);
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> {
            Hardening.install(ctx, chain);
            ctx.addServlet("health", new HealthServlet()).addMapping("/health");
        });
        server.setHandler(context);
        server.setStopAtShutdown(true);
        server.start();
        LOG.info("Palisade example server on http://{}:{} - mode {} ({}); risky routes mounted: none; "
                + "rate limit {}/s burst {}; request size limit {} bytes",
                bind, connector.getLocalPort(), environment.mode().label(), environment.reason(),
                chain.rateLimits().get(0).rps(), chain.rateLimits().get(0).burst(), chain.sizeLimit().maxBytes());
        return new ExampleServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
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
