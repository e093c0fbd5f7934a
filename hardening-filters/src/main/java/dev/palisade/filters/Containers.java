package dev.palisade.filters;

import jakarta.servlet.ServletContext;

/**
 * Which container runs a context, from {@link ServletContext#getServerInfo()}, for the few places
 * where Jetty 12 and Tomcat 11 must be met on their own terms.
 */
final class Containers {
    private Containers() {
    }

    /** Jetty ({@code jetty/12.1.14}); false for a {@code null} context. */
    static boolean isJetty(ServletContext context) {
        String serverInfo = context == null ? null : context.getServerInfo();
        return serverInfo != null && serverInfo.startsWith("jetty/");
    }

    /** Tomcat ({@code Apache Tomcat/11.0.14}); false for a {@code null} context. */
    static boolean isTomcat(ServletContext context) {
        String serverInfo = context == null ? null : context.getServerInfo();
        return serverInfo != null && serverInfo.startsWith("Apache Tomcat");
    }
}
