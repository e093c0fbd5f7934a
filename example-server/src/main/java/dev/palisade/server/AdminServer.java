package dev.palisade.server;

import dev.palisade.filters.InvalidSettingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The admin listener: its own small Jetty server bound to 127.0.0.1 only ({@code ADMIN_PORT}),
 * serving {@code GET /metrics} and nothing else. Being a separate server, none of its routes exist
 * on the main port and none of the main routes exist here.
 */
public final class AdminServer implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Server server;
    private final ServerConnector connector;

    private AdminServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts on 127.0.0.1:{@code port} (0 = any free port).
     *
     * @throws InvalidSettingException naming {@code ADMIN_PORT} when the port is taken
     */
    public static AdminServer start(int port, Metrics metrics) {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("admin");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(HOST);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new MetricsHandler(metrics));
        server.setErrorHandler(new ProblemErrorHandler());
        try {
            ExampleServer.startJetty(server, "ADMIN_PORT", port, HOST);
        } catch (RuntimeException e) {
            stopQuietly(server, e);
            throw e;
        }
        return new AdminServer(server, connector);
    }

    private static void stopQuietly(Server server, RuntimeException failure) {
        try {
            server.stop();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** {@code GET /metrics} → Prometheus text; anything else → the problem+json 404 (or 405). */
    static final class MetricsHandler extends Handler.Abstract {
        private final Metrics metrics;

        MetricsHandler(Metrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!"/metrics".equals(Request.getPathInContext(request))) {
                return false;
            }
            if (!"GET".equals(request.getMethod())) {
                Response.writeError(request, response, callback, 405);
                return true;
            }
            byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROMETHEUS_TEXT);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}
