package dev.palisade.filters.testing;

import jakarta.servlet.ServletContainerInitializer;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * The parts of a Jetty 12 server that belong to one EE environment: ee10 (Servlet 6.0) or ee11
 * (Servlet 6.1, new in Jetty 12.1). Everything else (connectors, HTTP configuration, handlers in
 * front of the context) is Jetty's core and shared. The tests run on ee10 unless the system
 * property {@value #PROPERTY} says {@code ee11}, as the build's second test run does.
 */
interface JettyEnvironment {
    String PROPERTY = "palisade.test.jetty";

    /** The environment this test run uses: each implementation is loaded only when chosen. */
    static JettyEnvironment selected() {
        String name = System.getProperty(PROPERTY, "ee10").trim().toLowerCase(Locale.ROOT);
        switch (name) {
            case "ee10":
                return new Ee10Jetty();
            case "ee11":
                return new Ee11Jetty();
            default:
                throw new IllegalArgumentException(PROPERTY + " must be ee10 or ee11, not " + name);
        }
    }

    /** {@code ee10} or {@code ee11}. */
    String name();

    /** A servlet context without sessions at {@code /}, set up by {@code initializer} when it starts. */
    ContextHandler servletContext(ServletContainerInitializer initializer);

    /** An error handler dispatching every status and exception to the application's page at {@code location}. */
    Request.Handler errorPage(String location);

    /**
     * The web application in {@code directory} at {@code /}, its classes from the test's class path,
     * failing the server's start when a filter or servlet fails {@code init()}.
     */
    ContextHandler webApp(Path directory);
}
