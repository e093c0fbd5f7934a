package dev.palisade.filters;

import jakarta.servlet.ServletContext;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which container runs a context, for the few places where Jetty 12, Tomcat 11, Undertow 2.3,
 * Payara (GlassFish) and Open Liberty must be met on their own terms: from {@link ServletContext#getServerInfo()}, else
 * from the context's own class, which a hardened server that hides its version in {@code server.info}
 * does not rename. GlassFish's web container is a fork of Tomcat's Catalina, context class included,
 * on Grizzly's connector, which honours none of Tomcat's connector behaviour: it is told apart first,
 * by its server info or its web application class loader, and is never taken for Tomcat.
 */
final class Containers {
    private static final Pattern TOMCAT_VERSION = Pattern.compile(
            // "Apache Tomcat/11.0.29", and TomEE's "Apache Tomcat (TomEE)/10.1.40 (10.0.1)".
            "Apache Tomcat[^/]{0,40}/(\\d{1,6})\\.(\\d{1,6})\\.(\\d{1,6})");

    private Containers() {
    }

    /** Jetty ({@code jetty/12.1.14}); false for a {@code null} context. */
    static boolean isJetty(ServletContext context) {
        String serverInfo = context == null ? null : context.getServerInfo();
        return (serverInfo != null && serverInfo.startsWith("jetty/"))
                || (context != null && context.getClass().getName().startsWith("org.eclipse.jetty."));
    }

    /**
     * Tomcat ({@code Apache Tomcat/11.0.14}); false for a {@code null} context, and for GlassFish
     * and Payara, whose context has Tomcat's class name.
     */
    static boolean isTomcat(ServletContext context) {
        String serverInfo = context == null ? null : context.getServerInfo();
        return ((serverInfo != null && serverInfo.startsWith("Apache Tomcat"))
                || (context != null && context.getClass().getName().startsWith("org.apache.catalina.")))
                && !isGlassFish(context);
    }

    /**
     * GlassFish or Payara ({@code Payara Micro}, {@code Payara Server 6.2025.10}, {@code Eclipse
     * GlassFish 7.0.25}), also with a changed server info: by a Catalina context whose web
     * application class loader is GlassFish's own ({@code org.glassfish.web.loader.WebappClassLoader});
     * false for a {@code null} context.
     */
    static boolean isGlassFish(ServletContext context) {
        if (context == null) {
            return false;
        }
        String serverInfo = context.getServerInfo();
        if (serverInfo != null && (serverInfo.startsWith("Payara") || serverInfo.startsWith("GlassFish")
                || serverInfo.startsWith("Eclipse GlassFish"))) {
            return true;
        }
        if (!context.getClass().getName().startsWith("org.apache.catalina.")) {
            // GlassFish's context is Catalina's: no other container's is asked for its class loader.
            return false;
        }
        ClassLoader loader = context.getClassLoader();
        return loader != null && loader.getClass().getName().startsWith("org.glassfish.web.loader.");
    }

    /** Undertow ({@code Undertow - 2.3.26.Final}); false for a {@code null} context. */
    static boolean isUndertow(ServletContext context) {
        String serverInfo = context == null ? null : context.getServerInfo();
        return (serverInfo != null && serverInfo.startsWith("Undertow"))
                || (context != null && context.getClass().getName().startsWith("io.undertow."));
    }

    /**
     * Open Liberty or WebSphere Liberty ({@code IBM WebSphere Liberty/26.0.0.3}), also with a
     * changed server info: by its web container's context class ({@code com.ibm.ws.webcontainer…},
     * {@code com.ibm.wsspi.webcontainer…}); false for a {@code null} context.
     */
    static boolean isLiberty(ServletContext context) {
        String serverInfo = context == null ? null : context.getServerInfo();
        if (serverInfo != null && (serverInfo.startsWith("IBM WebSphere Liberty") || serverInfo.startsWith("Open Liberty")
                || serverInfo.startsWith("WebSphere Liberty"))) {
            return true;
        }
        String type = context == null ? "" : context.getClass().getName();
        return type.startsWith("com.ibm.ws.webcontainer") || type.startsWith("com.ibm.wsspi.webcontainer")
                || type.startsWith("io.openliberty.webcontainer");
    }

    /** Whether the kit knows the container running {@code context}: Jetty, Tomcat, Undertow, Payara or Liberty. */
    static boolean isKnown(ServletContext context) {
        return isJetty(context) || isTomcat(context) || isUndertow(context) || isGlassFish(context) || isLiberty(context);
    }

    /**
     * Whether Tomcat reads a form {@code POST} without a length as parameters over HTTP/2 too, not
     * only chunked: from 11.0.18 and 10.1.52 on (11.0.15 and 10.1.50 did not; the versions between
     * are not on Maven Central). A version the server info hides is taken for a current one.
     */
    static boolean tomcatReadsFormsWithoutLengthOverHttp2(ServletContext context) {
        String serverInfo = context == null ? null : context.getServerInfo();
        Matcher version = TOMCAT_VERSION.matcher(serverInfo == null ? "" : serverInfo);
        if (!version.lookingAt()) {
            return true;
        }
        int major = Integer.parseInt(version.group(1));
        int minor = Integer.parseInt(version.group(2));
        int patch = Integer.parseInt(version.group(3));
        if (major != 10 && major != 11) {
            return major > 11;
        }
        return major == 11 ? minor > 0 || patch >= 18 : minor > 1 || (minor == 1 && patch >= 52);
    }
}
