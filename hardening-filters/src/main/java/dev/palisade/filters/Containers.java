package dev.palisade.filters;

import jakarta.servlet.ServletContext;

/**
 * Which container runs a context, for the few places where Jetty 12, Tomcat 11 and Undertow 2.3
 * must be met on their own terms: from {@link ServletContext#getServerInfo()}, else from the context's own class,
 * which a hardened server that hides its version in {@code server.info} does not rename.
 */
final class Containers {
    private Containers() {
    }

    /** Jetty ({@code jetty/12.1.14}); false for a {@code null} context. */
    static boolean isJetty(ServletContext context) {
        String serverInfo = context == null ? null : context.getServerInfo();
        return (serverInfo != null && serverInfo.startsWith("jetty/"))
                || (context != null && context.getClass().getName().startsWith("org.eclipse.jetty."));
    }

    /** Tomcat ({@code Apache Tomcat/11.0.14}); false for a {@code null} context. */
    static boolean isTomcat(ServletContext context) {
        String serverInfo = context == null ? null : context.getServerInfo();
        return (serverInfo != null && serverInfo.startsWith("Apache Tomcat"))
                || (context != null && context.getClass().getName().startsWith("org.apache.catalina."));
    }

    /** Undertow ({@code Undertow - 2.3.26.Final}); false for a {@code null} context. */
    static boolean isUndertow(ServletContext context) {
        String serverInfo = context == null ? null : context.getServerInfo();
        return (serverInfo != null && serverInfo.startsWith("Undertow"))
                || (context != null && context.getClass().getName().startsWith("io.undertow."));
    }
}
