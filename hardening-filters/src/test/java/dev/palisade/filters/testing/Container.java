package dev.palisade.filters.testing;

import dev.palisade.filters.InitParamsCheck;
import jakarta.servlet.ServletContainerInitializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.RemoteIpValve;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The two real containers every filter is tested on. Both start on 127.0.0.1 and a free port and
 * receive their filters and servlets through a {@link ServletContainerInitializer}, so tests use
 * the portable {@code ServletContext.addFilter} path on each.
 */
public enum Container {
    JETTY {
        @Override
        public RunningServer start(ServletSetup setup) throws Exception {
            return startJetty(setup, http -> { }, context -> { });
        }

        @Override
        public RunningServer startBehindProxy(ServletSetup setup) throws Exception {
            // As docs/filters.md says: X-Forwarded-Proto: https makes isSecure() true, and the remote
            // address stays the peer (Jetty would take the left-most X-Forwarded-For entry, which the
            // client writes); the rate limiter's trustedProxies reads the header from the right.
            ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();
            forwarded.setForwardedForHeader(null);
            forwarded.setForwardedHeader(null);
            forwarded.setForwardedHostHeader(null);
            return startJetty(setup, http -> http.addCustomizer(forwarded), context -> { });
        }

        @Override
        public RunningServer startWithErrorPage(ServletSetup setup, String location) throws Exception {
            return startJetty(setup, http -> { }, context -> context.setErrorHandler(JETTY_ENVIRONMENT.errorPage(location)));
        }

        @Override
        public RunningServer startWithTempDir(ServletSetup setup, Path tempDir, String errorPage) throws Exception {
            return startJetty(setup, http -> { }, context -> {
                context.setTempDirectory(tempDir.toFile());
                // Kept at stop (Jetty deletes its temporary directory then), for the test to look into.
                context.setTempDirectoryPersistent(true);
                if (errorPage != null) {
                    context.setErrorHandler(JETTY_ENVIRONMENT.errorPage(errorPage));
                }
            });
        }

        @Override
        public RunningServer startWithH2c(ServletSetup setup) throws Exception {
            return startJetty(LOOPBACK, setup, http -> { }, context -> { }, true);
        }

        @Override
        public RunningServer startAt(String contextPath, ServletSetup setup) throws Exception {
            return startJetty(setup, http -> { }, context -> context.setContextPath(contextPath));
        }

        @Override
        public RunningServer startBoundTo(String host, ServletSetup setup) throws Exception {
            return startJetty(host, setup, http -> { }, context -> { }, false);
        }

        @Override
        public RunningServer startWebApp(Path webAppDirectory) throws Exception {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost(LOOPBACK);
            return runJetty(server, connector, JETTY_ENVIRONMENT.webApp(webAppDirectory));
        }
    },

    TOMCAT {
        @Override
        public RunningServer start(ServletSetup setup) throws Exception {
            return startTomcat(setup, context -> { });
        }

        @Override
        public RunningServer startBehindProxy(ServletSetup setup) throws Exception {
            // The valve's defaults trust 127.0.0.0/8 as an internal proxy and read X-Forwarded-Proto;
            // "https" there makes isSecure() true.
            return startTomcat(setup, context -> context.getPipeline().addValve(new RemoteIpValve()));
        }

        @Override
        public RunningServer startWithErrorPage(ServletSetup setup, String location) throws Exception {
            return startTomcat(setup, context -> {
                // Neither a status nor an exception type: Tomcat's default page, for every error.
                ErrorPage errorPage = new ErrorPage();
                errorPage.setLocation(location);
                context.addErrorPage(errorPage);
            });
        }

        @Override
        public RunningServer startWithTempDir(ServletSetup setup, Path tempDir, String errorPage) throws Exception {
            return startTomcat(setup, context -> {
                // The context's work directory is its ServletContext.TEMPDIR.
                ((org.apache.catalina.core.StandardContext) context).setWorkDir(tempDir.toString());
                if (errorPage != null) {
                    ErrorPage page = new ErrorPage();
                    page.setLocation(errorPage);
                    context.addErrorPage(page);
                }
            });
        }

        @Override
        public RunningServer startWithH2c(ServletSetup setup) throws Exception {
            return startTomcat("", setup, context -> { }, connector -> connector.addUpgradeProtocol(new Http2Protocol()));
        }

        @Override
        public RunningServer startAt(String contextPath, ServletSetup setup) throws Exception {
            return startTomcat(contextPath, setup, context -> { }, connector -> { });
        }

        @Override
        public RunningServer startBoundTo(String host, ServletSetup setup) throws Exception {
            return startTomcat("", setup, context -> { }, connector -> connector.setProperty("address", host));
        }

        @Override
        public RunningServer startWebApp(Path webAppDirectory) throws Exception {
            Tomcat tomcat = newTomcat(connector -> { });
            // No JSP engine on the class path: the descriptor alone, as the application declares it.
            tomcat.setAddDefaultWebXmlToWebapp(false);
            Context context = tomcat.addWebapp("", webAppDirectory.toString());
            context.setParentClassLoader(Container.class.getClassLoader());
            ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
            // The test's class path stands in for WEB-INF/lib; its initializers are not the
            // application's (Logback's would stop the tests' shared logging context on undeploy),
            // but for the filter jar's own, which a WAR's WEB-INF/lib brings.
            context.setContainerSciFilter("^(?!" + InitParamsCheck.class.getName().replace(".", "\\.") + "$)");
            return runTomcat(tomcat, context);
        }
    };

    private static final String LOOPBACK = "127.0.0.1";
    /**
     * Whether requests run on virtual threads (Java 21 and later; both containers then use them
     * for every request), as {@code -DargLine=-Dpalisade.test.virtualThreads=true} asks. README
     * says how to run the suite so; the build's own runs use platform threads (Java 17).
     */
    private static final boolean VIRTUAL_THREADS = Boolean.getBoolean("palisade.test.virtualThreads");
    /** Jetty's EE environment for this test run: ee10, or ee11 in the build's second run. */
    private static final JettyEnvironment JETTY_ENVIRONMENT = JettyEnvironment.selected();

    /** Starts the container with {@code setup} applied to its one root context. */
    public abstract RunningServer start(ServletSetup setup) throws Exception;

    /**
     * Whether the container implements Servlet 6.1 (Tomcat 11, Jetty's ee11): only there may an
     * application call 6.1's methods, such as {@code sendRedirect(String, int)}.
     */
    public boolean servlet61() {
        return this == TOMCAT ? !tomcat10() : JETTY_ENVIRONMENT.name().equals("ee11");
    }

    /**
     * Whether this is Tomcat 10.1 (Servlet 6.0, Spring Boot 3's), swapped in for Tomcat 11 by the
     * {@code tomcat-10.1} profile's test run.
     */
    public boolean tomcat10() {
        return this == TOMCAT && org.apache.catalina.util.ServerInfo.getServerNumber().startsWith("10.");
    }

    /**
     * Starts the container as it runs behind a TLS-terminating proxy on the same host: the
     * proxy's {@code X-Forwarded-Proto} and {@code X-Forwarded-For} are applied to the request, so
     * a plain-HTTP request carrying {@code X-Forwarded-Proto: https} is {@code isSecure()}.
     */
    public abstract RunningServer startBehindProxy(ServletSetup setup) throws Exception;

    /**
     * Starts the container with the application's own error page at {@code location} for every
     * status and exception, as a {@code web.xml} {@code <error-page>} without a code would set up.
     */
    public abstract RunningServer startWithErrorPage(ServletSetup setup, String location) throws Exception;

    /**
     * Starts the container with {@code tempDir} as the context's temporary directory
     * ({@code ServletContext.TEMPDIR}), which outlives the container, and, unless {@code null}, the
     * application's error page at {@code errorPage} as {@link #startWithErrorPage} sets it up.
     */
    public abstract RunningServer startWithTempDir(ServletSetup setup, Path tempDir, String errorPage) throws Exception;

    /**
     * Starts the container speaking HTTP/2 without TLS (h2c) beside HTTP/1.1 on its one port, as
     * an HTTP/2 client with prior knowledge reaches it.
     */
    public abstract RunningServer startWithH2c(ServletSetup setup) throws Exception;

    /** Starts the container listening on {@code host} ({@code ::1}, say) instead of 127.0.0.1. */
    public abstract RunningServer startBoundTo(String host, ServletSetup setup) throws Exception;

    /** Starts the container with {@code setup} applied to one context at {@code contextPath} ({@code /shop}), as a WAR there. */
    public abstract RunningServer startAt(String contextPath, ServletSetup setup) throws Exception;

    /**
     * Deploys {@code webAppDirectory} (holding {@code WEB-INF/web.xml}) at {@code /} as a web
     * application, its filters and servlets declared by the descriptor and loaded from the test's
     * class path.
     */
    public abstract RunningServer startWebApp(Path webAppDirectory) throws Exception;

    /**
     * Jetty behind a proxy with {@code ForwardedRequestCustomizer}'s defaults: the remote address is
     * the left-most {@code X-Forwarded-For} (or {@code Forwarded}) entry, which the client writes.
     * The set-up docs/filters.md warns against.
     */
    public static RunningServer startJettyTakingTheLeftMostForwardedAddress(ServletSetup setup) throws Exception {
        return startJetty(setup, http -> http.addCustomizer(new ForwardedRequestCustomizer()), context -> { });
    }

    /**
     * Jetty with a {@code GzipHandler} that inflates gzip request bodies before the servlet context
     * sees them, as a server that accepts compressed uploads is set up (Tomcat has no such option).
     */
    public static RunningServer startJettyInflatingRequests(ServletSetup setup) throws Exception {
        return startJetty(setup, http -> { }, context -> {
            GzipHandler gzip = new GzipHandler();
            gzip.setInflateBufferSize(8192);
            context.insertHandler(gzip);
        });
    }

    /**
     * Jetty whose connector gives up on a connection idle for {@code idleMillis} (30 s by default):
     * a client that stalls mid-body or stops reading meets it, in a test's time.
     */
    public static RunningServer startJettyWithIdleTimeout(ServletSetup setup, long idleMillis) throws Exception {
        return startJetty(LOOPBACK, setup, http -> { }, context -> { }, false,
                connector -> connector.setIdleTimeout(idleMillis));
    }

    /**
     * Jetty, with {@code httpConfiguration} applied to its connector's HTTP configuration and
     * {@code customizer} to its context first.
     */
    private static RunningServer startJetty(ServletSetup setup, Consumer<HttpConfiguration> httpConfiguration,
            Consumer<ContextHandler> customizer) throws Exception {
        return startJetty(LOOPBACK, setup, httpConfiguration, customizer, false);
    }

    private static RunningServer startJetty(String host, ServletSetup setup, Consumer<HttpConfiguration> httpConfiguration,
            Consumer<ContextHandler> customizer, boolean h2c) throws Exception {
        return startJetty(host, setup, httpConfiguration, customizer, h2c, connector -> { });
    }

    private static RunningServer startJetty(String host, ServletSetup setup, Consumer<HttpConfiguration> httpConfiguration,
            Consumer<ContextHandler> customizer, boolean h2c, Consumer<ServerConnector> connectorCustomizer)
            throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        if (VIRTUAL_THREADS) {
            threads.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
        }
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        httpConfiguration.accept(http);
        ServerConnector connector = h2c
                ? new ServerConnector(server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http))
                : new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connectorCustomizer.accept(connector);
        ContextHandler context = JETTY_ENVIRONMENT.servletContext(initializer(setup));
        customizer.accept(context);
        return runJetty(server, connector, context);
    }

    /** Starts {@code server} with {@code context} as its one handler, on {@code connector} and a free port. */
    private static RunningServer runJetty(Server server, ServerConnector connector, ContextHandler context)
            throws Exception {
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(context);
        server.setStopTimeout(2_000);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw new ContextFailedException("Jetty context failed to start", e);
        }
        if (!context.isAvailable() || !context.isStarted()) {
            server.stop();
            throw new ContextFailedException("Jetty context is unavailable", null);
        }
        return new RunningServer(JETTY, connector.getHost(), connector.getLocalPort(), server::stop);
    }

    /**
     * Tomcat logs through {@code java.util.logging}; routed to SLF4J, its lines reach Logback, so
     * tests can assert on them with {@link LogCapture} as they do on Jetty's.
     */
    private static synchronized void routeTomcatLogsToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /** Tomcat, with {@code customizer} applied to its context first (for Tomcat-only settings). */
    public static RunningServer startTomcat(ServletSetup setup, Consumer<Context> customizer) throws Exception {
        return startTomcat("", setup, customizer, connector -> { });
    }

    public static RunningServer startTomcat(String contextPath, ServletSetup setup, Consumer<Context> customizer,
            Consumer<Connector> connectorCustomizer) throws Exception {
        Tomcat tomcat = newTomcat(connectorCustomizer);
        Path docBase = Files.createDirectories(Path.of(tomcat.getServer().getCatalinaBase().getPath(), "docroot"));
        Context context = tomcat.addContext(contextPath, docBase.toString());
        context.addServletContainerInitializer(initializer(setup), null);
        customizer.accept(context);
        return runTomcat(tomcat, context);
    }

    /** A Tomcat in a fresh base directory with one connector on 127.0.0.1 and a free port, then {@code connectorCustomizer}. */
    private static Tomcat newTomcat(Consumer<Connector> connectorCustomizer) throws IOException {
        routeTomcatLogsToSlf4j();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("palisade-tomcat").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", LOOPBACK);
        if (VIRTUAL_THREADS) {
            connector.setProperty("useVirtualThreads", "true");
        }
        connectorCustomizer.accept(connector);
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        return tomcat;
    }

    private static RunningServer runTomcat(Tomcat tomcat, Context context) throws Exception {
        try {
            tomcat.start();
        } catch (Exception | Error e) {
            try {
                stopTomcat(tomcat);
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            throw e;
        }
        if (context.getState() != LifecycleState.STARTED) {
            // Tomcat marks the context FAILED and carries on quietly; make that loud here.
            ContextFailedException failed = new ContextFailedException("Tomcat context is " + context.getState(), null);
            try {
                stopTomcat(tomcat);
            } catch (Exception stop) {
                failed.addSuppressed(stop);
            }
            throw failed;
        }
        Connector connector = tomcat.getConnector();
        Object address = connector.getProperty("address");
        String host = address instanceof InetAddress inet ? inet.getHostAddress() : String.valueOf(address);
        return new RunningServer(TOMCAT, host, connector.getLocalPort(), () -> stopTomcat(tomcat));
    }

    /** Stops Tomcat and deletes its base directory (about 2,000 of them were left in /tmp per full run). */
    private static void stopTomcat(Tomcat tomcat) throws Exception {
        Path base = tomcat.getServer().getCatalinaBase().toPath();
        tomcat.stop();
        tomcat.destroy();
        // Housekeeping: a directory Tomcat still touches after its stop is left, never a test failed.
        try (Stream<Path> files = Files.walk(base)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | UncheckedIOException e) {
            LoggerFactory.getLogger(Container.class).debug("Could not delete Tomcat's base directory {}", base, e);
        }
    }

    private static ServletContainerInitializer initializer(ServletSetup setup) {
        return (classes, ctx) -> {
            try {
                setup.register(ctx);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** The context did not start: a filter or servlet failed {@code init()}. */
    public static final class ContextFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        ContextFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
