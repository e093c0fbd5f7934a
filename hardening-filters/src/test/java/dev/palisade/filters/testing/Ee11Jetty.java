package dev.palisade.filters.testing;

import jakarta.servlet.ServletContainerInitializer;
import java.nio.file.Path;
import org.eclipse.jetty.ee11.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ContextHandler;

/** Jetty 12.1's Servlet 6.1 environment. */
final class Ee11Jetty implements JettyEnvironment {
    @Override
    public String name() {
        return "ee11";
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
