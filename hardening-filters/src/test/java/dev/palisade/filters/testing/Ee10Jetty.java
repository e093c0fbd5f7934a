package dev.palisade.filters.testing;

import jakarta.servlet.ServletContainerInitializer;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ContextHandler;

/** Jetty's Servlet 6.0 environment, the one the reference server uses. */
final class Ee10Jetty implements JettyEnvironment {
    @Override
    public String name() {
        return "ee10";
    }

    @Override
    public ContextHandler servletContext(ServletContainerInitializer initializer) {
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.addServletContainerInitializer(initializer);
        return context;
    }

    @Override
    public Request.Handler errorPage(String location) {
        ErrorPageErrorHandler errorPages = new ErrorPageErrorHandler();
        errorPages.addErrorPage(ErrorPageErrorHandler.GLOBAL_ERROR_PAGE, location);
        return errorPages;
    }

    @Override
    public ContextHandler webApp(Path directory) {
        WebAppContext webApp = new WebAppContext(directory.toString(), "/");
        // A web application normally brings its jars in WEB-INF/lib; here they are the test's class path.
        webApp.setParentLoaderPriority(true);
        webApp.setThrowUnavailableOnStartupException(true);
        return webApp;
    }
}
