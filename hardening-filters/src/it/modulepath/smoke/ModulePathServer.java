package smoke;

import dev.palisade.filters.Hardening;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Jetty (HTTP/1.1 and h2c) on a free port with the kit installed from the environment, logs
 * which modules it runs in, and writes its port to the file named by its one argument.
 */
public final class ModulePathServer {
    private static final Logger LOG = LoggerFactory.getLogger(ModulePathServer.class);

    private ModulePathServer() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http),
                new HTTP2CServerConnectionFactory(http));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/", ServletContextHandler.NO_SESSIONS);
        context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> {
            Hardening.install(ctx);
            ctx.addServlet("ok", new Ok()).addMapping("/ok");
            ctx.addServlet("boom", new Boom()).addMapping("/boom");
            ctx.addServlet("late", new Late()).addMapping("/late");
            ctx.addServlet("echo", new Echo()).addMapping("/echo");
        });
        server.setHandler(context);
        server.start();
        if (!context.isAvailable()) {
            server.stop();
            throw new IllegalStateException("context did not start");
        }
        LOG.info("smoke module {} (named: {}), kit module {}", ModulePathServer.class.getModule().getName(),
                ModulePathServer.class.getModule().isNamed(), Hardening.class.getModule().getName());
        int port = connector.getLocalPort();
        Path portFile = Path.of(args[0]);
        Path written = Files.writeString(portFile.resolveSibling(portFile.getFileName() + ".tmp"),
                Integer.toString(port), StandardCharsets.US_ASCII);
        Files.move(written, portFile);
        server.join();
    }

    private static final class Ok extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().write("ok " + request.getUserPrincipal().getName());
        }
    }

    private static final class Boom extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            throw new IllegalStateException("boom with secret detail");
        }
    }

    /** Commits a chunked response, then fails: the kit must end the connection, not finish the body. */
    private static final class Late extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
            response.flushBuffer();
            throw new IllegalStateException("late failure");
        }
    }

    private static final class Echo extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body = request.getInputStream().readAllBytes();
            response.setContentType("text/plain");
            response.getWriter().write("read " + body.length);
        }
    }
}
