package dev.palisade.filters;

import dev.palisade.filters.testing.DocsJavaExamples;

/**
 * Every Java example in {@code docs/filters.md} compiles against this build's classes (and
 * Jetty's, Tomcat's and Lettuce's, for the examples that start a server or a Redis store).
 * {@link DocsWebXmlTest} deploys the {@code web.xml} examples.
 */
class DocsJavaExamplesTest extends DocsJavaExamples {
    DocsJavaExamplesTest() {
        super("filters.md", 10, """
                import dev.palisade.filters.*;
                import io.lettuce.core.api.StatefulRedisConnection;
                import jakarta.servlet.*;
                import jakarta.servlet.http.*;
                import java.nio.file.Files;
                import java.util.*;
                import org.apache.catalina.Context;
                import org.apache.catalina.LifecycleState;
                import org.apache.catalina.startup.Tomcat;
                import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
                import org.eclipse.jetty.server.ForwardedRequestCustomizer;
                import org.eclipse.jetty.server.HttpConfiguration;
                import org.eclipse.jetty.server.HttpConnectionFactory;
                import org.eclipse.jetty.server.Server;
                import org.eclipse.jetty.server.ServerConnector;
                """, """
                    static final class EventsServlet extends HttpServlet {
                    }

                    static final class NotFoundServlet extends HttpServlet {
                    }

                    ServletContext servletContext;
                    ServletContext ctx;
                    StatefulRedisConnection<byte[], byte[]> redisConnection;
                    Server server;
                """);
    }
}
