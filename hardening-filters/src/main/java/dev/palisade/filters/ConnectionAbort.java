package dev.palisade.filters;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a connection from inside a filter, in the way the running container understands: after an
 * answer that leaves the rest of a request body unread, and after a failure once the response was
 * committed. Both must close the connection, and neither may let the container add anything.
 *
 * <p>Jetty closes at once on {@code Connection: close}, and aborts a committed response when an
 * exception leaves the filter chain: the exception is thrown with Jetty's quiet exception as its
 * cause, so that Jetty logs it at DEBUG only (see {@link #quietOnJetty}). After an asynchronous
 * timeout or error on a committed response, though, no exception leaves a chain, and Jetty ends the
 * response cleanly (a last chunk, the connection kept): there the filter asks Jetty's
 * {@code ServletChannel.abort}, reached through public Jetty methods by reflection. Tomcat needs more:
 * <ul>
 *   <li>It reads and discards up to its connector's {@code maxSwallowSize} (2 MiB by default) of an
 *       unread body before it closes, so a client can keep a request thread busy after its 413.</li>
 *   <li>An application error page ({@code <error-page>} in {@code web.xml}) for the status or the
 *       exception is <em>included</em> after a committed response: its text is appended to the
 *       half-written body before the connection closes.</li>
 *   <li>An ordinary exception is logged at ERROR with its stack a second time.</li>
 * </ul>
 * It skips all three for its own {@code org.apache.catalina.connector.ClientAbortException}: the
 * host valve renders no error page for it, the wrapper valve logs it at DEBUG only, and the error
 * report valve closes the committed response at once (no swallowing). So on Tomcat the filter
 * flushes what it has written and throws that exception, carrying the real failure as its cause
 * (after an early answer, over HTTP/1.x only: see {@link #afterAnswerLeavingBodyUnread}).
 * It is made by reflection: the filter jar needs no Tomcat classes. (Tomcat itself breaks the
 * connection after an asynchronous failure on a committed response.) Over HTTP/2 Tomcat would still
 * end the stream cleanly before it resets it; see {@link #forCommittedResponse}.
 *
 * <p>Undertow ends a committed response cleanly when an exception leaves the chain (a last chunk,
 * the connection kept): there the filter closes the exchange's connection itself, through public
 * Undertow methods by reflection ({@code HttpServletRequestImpl.getExchange().getConnection().close()},
 * which over HTTP/2 resets the one stream). Undertow breaks the connection itself after an
 * asynchronous failure on a committed response, and closes after an answer that leaves a body unread.
 *
 * <p>Quarkus's fork of Undertow ({@code quarkus-undertow}, on Vert.x) has no {@code getConnection()}
 * and never breaks a connection by itself: it ends a committed response cleanly after any failure,
 * synchronous or asynchronous, and reads a body left unread to its end (over HTTP/2 too, granting
 * window for all of it). So the filter closes Vert.x's exchange itself (see {@link QuarkusConnection})
 * after a failure on a committed response, and, over HTTP/1.x, after an answer that leaves a body
 * unread (the answer ended whole first); over HTTP/2 such an answer's stream is reset with
 * {@code NO_ERROR} once the answer has ended (see {@link QuarkusStreamReset}).
 *
 * <p>Payara (GlassFish) runs Catalina's valves, forked from Tomcat's, on Grizzly's connector. Its
 * valves, like Tomcat's, are quiet about Catalina's {@code ClientAbortException} and render no error
 * page for it, but Grizzly ends a committed response cleanly whatever was thrown (a last chunk, the
 * connection kept; after an asynchronous failure too), and keeps the connection of an answer that
 * left a body unread open for the rest of the body. So over HTTP/1.x the filter closes Grizzly's
 * connection itself, through public methods by reflection ({@code RequestFacade.getUnwrappedCoyoteRequest()
 * .getCoyoteRequest().getConnection().closeSilently()}, {@code getGrizzlyRequest()} in Eclipse GlassFish 7
 * and later; a graceful close: what was written is sent first, the rest of the body skipped), and then
 * throws that exception. Over HTTP/2 the connection is shared by other streams and is left
 * alone: the request's stream is reset instead (see {@link GrizzlyStreamReset}), as Payara would end
 * it cleanly.
 *
 * <p>Open Liberty appends its error page (the exception's class, message and stack) to a committed
 * response when an exception leaves the chain, and logs the exception (SRVE0315E) whatever its class
 * (its quiet {@code ClosedConnectionException} is quiet only when a servlet throws it); it ends the
 * response cleanly after an asynchronous failure (its own page appended too, unless the cycle is
 * completed), and reads a body left unread to its end, any length, before the next request. So over
 * HTTP/1.x the filter closes Liberty's connection itself (see {@link LibertyConnection}) and throws
 * nothing: with its connection closed, Liberty ends the request without a word. A failed response
 * is cut off at once (no last chunk); an early answer is sent whole first, and the body left unread.
 * After an asynchronous failure the caller completes the cycle. Over HTTP/2 the same close resets
 * only the request's stream, and the connection and its other streams carry on.
 */
final class ConnectionAbort {
    /** Throws failures as they are and cannot abort an asynchronous response. */
    static final ConnectionAbort NONE = new ConnectionAbort(null, List.of(), null, null);
    /** Open Liberty's: see the class comment. */
    private static final ConnectionAbort LIBERTY = new ConnectionAbort(null, List.of(), null, null, null, null, true);

    /**
     * A filter's abort: learnt from the context in {@code init()} or, for a filter a framework runs
     * without {@code init()} (Spring Security's chain), from its first request's context, so that
     * such a filter still closes instead of letting Tomcat drain an unread body.
     */
    static final class Known {
        private volatile ConnectionAbort abort;

        void learn(ServletContext context) {
            abort = forContainer(context);
        }

        ConnectionAbort of(ServletRequest request) {
            ConnectionAbort known = abort;
            if (known == null) {
                // Two first requests at once both look it up: the same answer, so no lock.
                ServletContext context = request.getServletContext();
                known = context == null ? NONE : forContainer(context);
                abort = known;
            }
            return known;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAbort.class);
    private static final String TOMCAT_ABORT = "org.apache.catalina.connector.ClientAbortException";
    private static final String JETTY_PACKAGE = "org.eclipse.jetty.";
    private static final String JETTY_REQUEST_CLASS_SUFFIX = ".servlet.ServletContextRequest";
    /** What Jetty logs at DEBUG only when it is in the cause chain of what a request threw. */
    private static final String JETTY_QUIET_EXCEPTION = "org.eclipse.jetty.io.QuietException$Exception";
    /** Jetty 12's EE environments with a servlet request class: Servlet 6.0 and 6.1. */
    private static final String[] JETTY_ENVIRONMENTS = {"ee10", "ee11"};
    private static final String UNREAD_BODY = "Request body left unread; closing the connection";
    private static final String UNDERTOW_REQUEST = "io.undertow.servlet.spec.HttpServletRequestImpl";
    /** The request object Payara hands the application, Catalina's facade over its connector request. */
    private static final String GLASSFISH_REQUEST = "org.apache.catalina.connector.RequestFacade";

    /** Tomcat's {@code ClientAbortException(String, Throwable)}, typed to return an IOException. */
    private final MethodHandle tomcatAbort;
    /**
     * Jetty's {@code (ServletRequest, Throwable) -> ServletChannel.abort}, one per EE environment
     * this context may be (see {@link #jettyEnvironments}); empty elsewhere.
     */
    private final List<MethodHandle> jettyAborts;
    /** Undertow's {@code (ServletRequest) -> getExchange().getConnection().close()}; {@code null} elsewhere. */
    private final MethodHandle undertowClose;
    /**
     * Payara's {@code (ServletRequest) -> getUnwrappedCoyoteRequest().getCoyoteRequest().getConnection()
     * .closeSilently()}; {@code null} elsewhere.
     */
    private final MethodHandle grizzlyClose;
    /** Payara's {@code (ServletRequest) -> ...getConnection().isOpen()}; {@code null} elsewhere. */
    private final MethodHandle grizzlyOpen;
    /** Payara's reset of a request's HTTP/2 stream; {@code null} elsewhere. */
    private final GrizzlyStreamReset grizzlyStreamReset;
    /** Whether this is Open Liberty's, whose connection is found from each request (see {@link LibertyConnection}). */
    private final boolean liberty;
    /** Quarkus's fork of Undertow on Vert.x (see {@link QuarkusConnection}); {@code null} elsewhere. */
    private final QuarkusConnection quarkus;
    /** Quarkus's reset of an early answer's HTTP/2 stream; {@code null} elsewhere, or where not usable. */
    private final QuarkusStreamReset quarkusStreamReset;
    /** Jetty's: an early answer's HTTP/2 stream reset with NO_ERROR, not CANCEL; {@code null} elsewhere, or where not usable. */
    private final JettyStreamReset jettyStreamReset;
    /**
     * Jetty's {@code QuietException.Exception(String)}, typed to return a Throwable: in the cause
     * chain of what leaves the chain after commit, it keeps Jetty's log of it at DEBUG (see
     * {@link #quietOnJetty}); {@code null} elsewhere, or where not visible.
     */
    private final MethodHandle jettyQuiet;

    private ConnectionAbort(MethodHandle tomcatAbort, List<MethodHandle> jettyAborts, MethodHandle undertowClose,
            MethodHandle grizzlyClose) {
        this(tomcatAbort, jettyAborts, undertowClose, grizzlyClose, null);
    }

    private ConnectionAbort(List<MethodHandle> jettyAborts, JettyStreamReset jettyStreamReset, MethodHandle jettyQuiet) {
        this(null, jettyAborts, null, null, null, null, false, jettyStreamReset, jettyQuiet);
    }

    private ConnectionAbort(MethodHandle tomcatAbort, List<MethodHandle> jettyAborts, MethodHandle undertowClose,
            MethodHandle grizzlyClose, MethodHandle grizzlyOpen) {
        this(tomcatAbort, jettyAborts, undertowClose, grizzlyClose, grizzlyOpen, null, false);
    }

    private ConnectionAbort(MethodHandle tomcatAbort, List<MethodHandle> jettyAborts, MethodHandle undertowClose,
            MethodHandle grizzlyClose, MethodHandle grizzlyOpen, GrizzlyStreamReset grizzlyStreamReset,
            boolean liberty) {
        this(tomcatAbort, jettyAborts, undertowClose, grizzlyClose, grizzlyOpen, grizzlyStreamReset, liberty, null,
                null);
    }

    private ConnectionAbort(MethodHandle tomcatAbort, List<MethodHandle> jettyAborts, MethodHandle undertowClose,
            MethodHandle grizzlyClose, MethodHandle grizzlyOpen, GrizzlyStreamReset grizzlyStreamReset,
            boolean liberty, JettyStreamReset jettyStreamReset, MethodHandle jettyQuiet) {
        this.tomcatAbort = tomcatAbort;
        this.jettyAborts = List.copyOf(jettyAborts);
        this.undertowClose = undertowClose;
        this.grizzlyClose = grizzlyClose;
        this.grizzlyOpen = grizzlyOpen;
        this.grizzlyStreamReset = grizzlyStreamReset;
        this.liberty = liberty;
        this.quarkus = null;
        this.quarkusStreamReset = null;
        this.jettyStreamReset = jettyStreamReset;
        this.jettyQuiet = jettyQuiet;
    }

    private ConnectionAbort(QuarkusConnection quarkus, QuarkusStreamReset quarkusStreamReset) {
        this.tomcatAbort = null;
        this.jettyAborts = List.of();
        this.undertowClose = null;
        this.grizzlyClose = null;
        this.grizzlyOpen = null;
        this.grizzlyStreamReset = null;
        this.liberty = false;
        this.quarkus = quarkus;
        this.quarkusStreamReset = quarkusStreamReset;
        this.jettyStreamReset = null;
        this.jettyQuiet = null;
    }

    /** The abort that suits the container running {@code context}. */
    static ConnectionAbort forContainer(ServletContext context) {
        String serverInfo = context.getServerInfo();
        if (Containers.isJetty(context)) {
            List<MethodHandle> aborts = new ArrayList<>();
            List<String> requestClasses = new ArrayList<>();
            for (String environment : jettyEnvironments(context)) {
                String requestClass = JETTY_PACKAGE + environment + JETTY_REQUEST_CLASS_SUFFIX;
                requestClasses.add(requestClass);
                MethodHandle abort = firstFound(context, loader -> jettyChannelAbort(requestClass, loader));
                if (abort != null) {
                    aborts.add(abort);
                }
            }
            if (aborts.isEmpty()) {
                // Expected in a WAR on a standalone Jetty, which hides its own classes from web
                // applications: not worth a WARN at every start for a rare case.
                LOG.info("{}: Jetty's ServletChannel is not visible here; a response that fails asynchronously "
                        + "after it was committed will end cleanly instead of breaking the connection",
                        LogSafe.escape(serverInfo));
                return NONE;
            }
            return new ConnectionAbort(aborts, jettyStreamReset(context, requestClasses),
                    firstFound(context, loader -> jettyQuietException(requestClasses, loader)));
        }
        if (Containers.isUndertow(context)) {
            return forUndertow(context);
        }
        if (Containers.isGlassFish(context)) {
            return forGlassFish(context);
        }
        if (Containers.isLiberty(context)) {
            return LIBERTY;
        }
        if (!Containers.isTomcat(context)) {
            return NONE;
        }
        MethodHandle constructor = firstFound(context, ConnectionAbort::tomcatAbortConstructor);
        if (constructor == null) {
            LOG.warn("{}: {} not found; Tomcat will read up to maxSwallowSize of a rejected body before closing "
                    + "(set swallowAbortedUploads=\"false\" on the Context to stop it), and include an application "
                    + "error page after a committed response", LogSafe.escape(serverInfo), TOMCAT_ABORT);
            return NONE;
        }
        return new ConnectionAbort(constructor, List.of(), null, null);
    }

    /** Undertow's, or that of Quarkus's fork of it, whose exchange has no {@code getConnection()}. */
    private static ConnectionAbort forUndertow(ServletContext context) {
        // The web application's view first: the filter jar's loader may see another Undertow.
        for (ClassLoader loader : loaders(context)) {
            MethodHandle close = undertowConnectionClose(loader);
            if (close != null) {
                return new ConnectionAbort(null, List.of(), close, null);
            }
            QuarkusConnection quarkus = QuarkusConnection.find(loader);
            if (quarkus != null) {
                return new ConnectionAbort(quarkus, QuarkusStreamReset.find(loader));
            }
        }
        // Neither Undertow's own connection nor Quarkus's Vert.x exchange: the server may be fine
        // with it, but a failure after commit then looks like a whole response to the client.
        LOG.warn("{}: neither {}.getExchange().getConnection() (Undertow) nor getExchange().getDelegate() as {} (Quarkus) "
                + "is usable here; a response that fails after it was committed will end as the server decides "
                + "(cleanly on Quarkus) instead of breaking the connection", LogSafe.escape(context.getServerInfo()),
                UNDERTOW_REQUEST, QuarkusConnection.VERTX_EXCHANGE);
        return NONE;
    }

    /** Payara's and GlassFish's: Catalina's quiet exception, thrown once Grizzly's connection is closed. */
    private static ConnectionAbort forGlassFish(ServletContext context) {
        String serverInfo = LogSafe.escape(context.getServerInfo());
        MethodHandle constructor = firstFound(context, ConnectionAbort::tomcatAbortConstructor);
        MethodHandle close = firstFound(context, ConnectionAbort::grizzlyConnectionClose);
        if (close == null) {
            LOG.warn("{}: {} is not usable here; a response that fails after it was committed will end cleanly "
                    + "instead of breaking the connection, a connection whose request body was left unread "
                    + "stays open, and the server logs a client's departure with its stack", serverInfo, GLASSFISH_REQUEST);
        }
        if (constructor == null) {
            LOG.warn("{}: {} not found; the failures the filters end a connection with will be logged by the server "
                    + "with their stack", serverInfo, TOMCAT_ABORT);
        }
        MethodHandle open = firstFound(context, loader -> grizzlyConnection(loader, "isOpen", boolean.class));
        GrizzlyStreamReset streamReset = firstFoundStreamReset(context);
        if (streamReset == null) {
            LOG.warn("{}: Grizzly's HTTP/2 stream classes are not usable here; over HTTP/2 a response that fails after "
                    + "it was committed will end cleanly instead of resetting its stream", serverInfo);
        }
        return new ConnectionAbort(constructor, List.of(), null, close, open, streamReset, false);
    }

    /** Jetty's NO_ERROR reset of an early answer's HTTP/2 stream, through the web application's class loader, then the filter jar's. */
    private static JettyStreamReset jettyStreamReset(ServletContext context, List<String> requestClasses) {
        for (ClassLoader loader : loaders(context)) {
            JettyStreamReset found = JettyStreamReset.find(loader, requestClasses);
            if (found != null) {
                return found;
            }
        }
        LOG.warn("{}: Jetty's Request.addHttpStreamWrapper is not usable here; over HTTP/2 Jetty will reset the stream "
                + "of an early answer to an unfinished upload with CANCEL, after which some clients drop the answer",
                LogSafe.escape(context.getServerInfo()));
        return null;
    }

    /** Payara's reset of an HTTP/2 stream, through the web application's class loader, then the filter jar's. */
    private static GrizzlyStreamReset firstFoundStreamReset(ServletContext context) {
        for (ClassLoader loader : loaders(context)) {
            try {
                GrizzlyStreamReset found = GrizzlyStreamReset.find(grizzlyRequest(loader));
                if (found != null) {
                    return found;
                }
            } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
                LOG.debug("{} not usable from {}", GLASSFISH_REQUEST, loader, e);
            }
        }
        return null;
    }

    /**
     * The EE environments whose request class may be this context's, most likely first. One Jetty
     * server can run ee10 and ee11 contexts side by side with both on its class path, and the other
     * environment's request class cannot reach this context's channel, so the context's own class
     * ({@code org.eclipse.jetty.ee11.servlet.ServletContextHandler$ServletContextApi}) names the one
     * to use; only a context of another class (a wrapper) leaves every environment to try, each in
     * turn when a response must be aborted.
     */
    private static String[] jettyEnvironments(ServletContext context) {
        String type = context.getClass().getName();
        int end = type.indexOf('.', JETTY_PACKAGE.length());
        if (type.startsWith(JETTY_PACKAGE + "ee") && end > 0) {
            return new String[] {type.substring(JETTY_PACKAGE.length(), end)};
        }
        return JETTY_ENVIRONMENTS.clone();
    }

    /** {@code lookup} through the web application's class loader, then through the filter jar's. */
    private static MethodHandle firstFound(ServletContext context, Function<ClassLoader, MethodHandle> lookup) {
        for (ClassLoader loader : loaders(context)) {
            MethodHandle found = lookup.apply(loader);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /**
     * The web application's class loader, then the filter jar's, each once. An embedded Jetty
     * context may have none of its own ({@code null}): that is not the bootstrap loader, where no
     * container class lives, so it is left out (asking it logged a failed lookup per member).
     */
    private static List<ClassLoader> loaders(ServletContext context) {
        ClassLoader application = context.getClassLoader();
        ClassLoader kit = ConnectionAbort.class.getClassLoader();
        return application == null || application == kit ? List.of(kit) : List.of(application, kit);
    }

    private static MethodHandle jettyChannelAbort(String requestClass, ClassLoader loader) {
        try {
            Class<?> request = Class.forName(requestClass, false, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle of = lookup.findStatic(request, "getServletContextRequest",
                    MethodType.methodType(request, ServletRequest.class));
            Method channelGetter = request.getMethod("getServletChannel");
            MethodHandle channel = lookup.unreflect(channelGetter);
            MethodHandle abort = lookup.findVirtual(channelGetter.getReturnType(), "abort",
                    MethodType.methodType(void.class, Throwable.class));
            // (ServletRequest, Throwable) -> getServletContextRequest(r).getServletChannel().abort(t)
            return MethodHandles.filterArguments(abort, 0, MethodHandles.filterReturnValue(of, channel));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
            LOG.debug("{} not usable from {}", requestClass, loader, e);
            return null;
        }
    }

    /**
     * Through the loader of Jetty's own request class: an application may bundle a jetty-io of its
     * own (for Jetty's HttpClient), whose {@code QuietException} Jetty's server would not know.
     */
    private static MethodHandle jettyQuietException(List<String> requestClasses, ClassLoader loader) {
        for (String requestClass : requestClasses) {
            try {
                ClassLoader jettys = Class.forName(requestClass, false, loader).getClassLoader();
                Class<?> quiet = Class.forName(JETTY_QUIET_EXCEPTION, false, jettys);
                return MethodHandles.publicLookup().findConstructor(quiet, MethodType.methodType(void.class, String.class))
                        .asType(MethodType.methodType(Throwable.class, String.class));
            } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
                LOG.debug("{} not usable through {} from {}", JETTY_QUIET_EXCEPTION, requestClass, loader, e);
            }
        }
        return null;
    }

    private static MethodHandle undertowConnectionClose(ClassLoader loader) {
        try {
            Class<?> request = Class.forName(UNDERTOW_REQUEST, false, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Method exchangeGetter = request.getMethod("getExchange");
            Method connectionGetter = exchangeGetter.getReturnType().getMethod("getConnection");
            MethodHandle close = lookup.findVirtual(connectionGetter.getReturnType(), "close",
                    MethodType.methodType(void.class));
            // (ServletRequest) -> ((HttpServletRequestImpl) r).getExchange().getConnection().close()
            MethodHandle connection = MethodHandles.filterReturnValue(lookup.unreflect(exchangeGetter),
                    lookup.unreflect(connectionGetter));
            return MethodHandles.filterArguments(close, 0, connection)
                    .asType(MethodType.methodType(void.class, ServletRequest.class));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
            LOG.debug("{} not usable from {}", UNDERTOW_REQUEST, loader, e);
            return null;
        }
    }

    /**
     * {@code (ServletRequest) -> void}: marks the rest of the request's body to be skipped, then
     * closes its Grizzly connection. Closing gracefully, Grizzly goes on parsing the body bytes it
     * had buffered, and with the request already served took them for a new request with the same
     * header fields: the application ran twice. Where the mark cannot be made, the close alone.
     */
    private static MethodHandle grizzlyConnectionClose(ClassLoader loader) {
        MethodHandle close = grizzlyConnection(loader, "closeSilently", void.class);
        if (close == null) {
            return null;
        }
        MethodHandle skipRemainder = grizzlySkipRemainder(loader);
        if (skipRemainder == null) {
            LOG.warn("Grizzly's HttpHeader.setSkipRemainder(boolean) is not usable here: a request whose connection "
                    + "the filters close mid-body may have the body bytes Grizzly had read parsed as another request");
            return close;
        }
        return MethodHandles.foldArguments(close, skipRemainder);
    }

    /** {@code (ServletRequest) -> the request's Grizzly connection.method()}, or {@code null}. */
    private static MethodHandle grizzlyConnection(ClassLoader loader, String method, Class<?> returnType) {
        try {
            MethodHandle grizzlyRequest = grizzlyRequest(loader);
            Method connectionGetter = grizzlyRequest.type().returnType().getMethod("getConnection");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle call = lookup.findVirtual(connectionGetter.getReturnType(), method,
                    MethodType.methodType(returnType));
            MethodHandle connection = MethodHandles.filterReturnValue(grizzlyRequest, lookup.unreflect(connectionGetter));
            return MethodHandles.filterArguments(call, 0, connection)
                    .asType(MethodType.methodType(returnType, ServletRequest.class));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
            LOG.debug("{} not usable from {}", GLASSFISH_REQUEST, loader, e);
            return null;
        }
    }

    /** {@code (ServletRequest) -> the request's Grizzly HttpRequestPacket.setSkipRemainder(true)}, or {@code null}. */
    private static MethodHandle grizzlySkipRemainder(ClassLoader loader) {
        try {
            MethodHandle grizzlyRequest = grizzlyRequest(loader);
            Method packetGetter = grizzlyRequest.type().returnType().getMethod("getRequest");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle skip = MethodHandles.insertArguments(lookup.findVirtual(packetGetter.getReturnType(),
                    "setSkipRemainder", MethodType.methodType(void.class, boolean.class)), 1, true);
            MethodHandle packet = MethodHandles.filterReturnValue(grizzlyRequest, lookup.unreflect(packetGetter));
            return MethodHandles.filterArguments(skip, 0, packet)
                    .asType(MethodType.methodType(void.class, ServletRequest.class));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
            LOG.debug("Grizzly's HttpHeader.setSkipRemainder not usable from {}", loader, e);
            return null;
        }
    }

    /**
     * {@code (RequestFacade) -> r.getUnwrappedCoyoteRequest().getCoyoteRequest()}, Grizzly's request;
     * Eclipse GlassFish 7 and later name Payara's {@code getCoyoteRequest()} {@code getGrizzlyRequest()}.
     */
    private static MethodHandle grizzlyRequest(ClassLoader loader)
            throws ClassNotFoundException, NoSuchMethodException, IllegalAccessException {
        Class<?> facade = Class.forName(GLASSFISH_REQUEST, false, loader);
        Method catalinaGetter = facade.getMethod("getUnwrappedCoyoteRequest");
        Class<?> catalinaRequest = catalinaGetter.getReturnType();
        Method grizzlyGetter;
        try {
            grizzlyGetter = catalinaRequest.getMethod("getCoyoteRequest");
        } catch (NoSuchMethodException glassFish) {
            grizzlyGetter = catalinaRequest.getMethod("getGrizzlyRequest");
        }
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        return MethodHandles.filterReturnValue(lookup.unreflect(catalinaGetter), lookup.unreflect(grizzlyGetter));
    }

    private static MethodHandle tomcatAbortConstructor(ClassLoader loader) {
        try {
            Class<?> type = Class.forName(TOMCAT_ABORT, false, loader);
            if (!IOException.class.isAssignableFrom(type)) {
                return null;
            }
            MethodType parameters = MethodType.methodType(void.class, String.class, Throwable.class);
            return MethodHandles.publicLookup().findConstructor(type, parameters)
                    .asType(MethodType.methodType(IOException.class, String.class, Throwable.class));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
            LOG.debug("{} not usable from {}", TOMCAT_ABORT, loader, e);
            return null;
        }
    }

    /**
     * Called before an answer that will leave the request body unread is written. On Jetty over
     * HTTP/2, has the stream reset with {@code NO_ERROR}, not {@code CANCEL}, if the body has not
     * ended once the answer has (see {@link JettyStreamReset}). On Quarkus over
     * HTTP/1.x, arranges the connection's close for the moment the answer ends: the answer has a
     * length, so it ends as its last byte is written, and Vert.x would start on a request pipelined
     * behind the body before a close asked for afterwards (one try in eight served it). On Quarkus
     * over HTTP/2, arranges the stream's reset with {@code NO_ERROR} for that moment, if the body
     * has not ended by then (see {@link QuarkusStreamReset}): Quarkus would grant window for the
     * rest of the body and read it to its end.
     */
    void beforeAnswerLeavingBodyUnread(HttpServletRequest request, HttpServletResponse response) {
        String protocol = request.getProtocol();
        if (protocol == null || response.isCommitted()) {
            return;
        }
        if (jettyStreamReset != null && protocol.startsWith("HTTP/2")
                && !jettyStreamReset.resetWithoutErrorWhenBodyUnread(request)) {
            LOG.debug("No NO_ERROR reset arranged for the HTTP/2 stream: Jetty resets it with CANCEL");
        }
        if (quarkus == null) {
            return;
        }
        if (protocol.startsWith("HTTP/1.")) {
            quarkus.closeWhenResponseEnds(request);
        } else if (protocol.startsWith("HTTP/2") && quarkusStreamReset != null
                && !quarkusStreamReset.resetWhenResponseEnds(request)) {
            LOG.debug("No reset arranged for the HTTP/2 stream: Quarkus will read the rest of the body");
        }
    }

    /**
     * Whether an answer to an asynchronous read must be written from another thread: Quarkus calls a
     * {@code ReadListener} on its Vert.x event loop, where a blocking write fails (Undertow's
     * {@code UT000126}) after the status and header fields were set, and the client would get the
     * head of the answer without its body.
     */
    boolean answersOffEventLoop(ServletRequest request) {
        return quarkus != null && quarkus.onEventLoop(request);
    }

    /**
     * Called once an answer is written that leaves the request body unread: commits it and, where
     * the container would otherwise drain the body, throws so that it closes the connection
     * instead (on Liberty and Quarkus, closes it here and throws nothing). The caller lets the exception
     * propagate to the container. Not over HTTP/2: the other containers reset the stream
     * themselves, and Tomcat would reset it as an internal error, which lets a client drop the
     * complete answer (curl does). Quarkus, which reads the rest of the body there too, has its
     * stream reset with {@code NO_ERROR} as the answer ends (see {@link #beforeAnswerLeavingBodyUnread}).
     */
    void afterAnswerLeavingBodyUnread(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String protocol = request.getProtocol();
        if (quarkus != null && protocol != null && protocol.startsWith("HTTP/1.")) {
            // Quarkus reads the rest of the body, however long, and serves a request pipelined after
            // it despite "Connection: close". The close was asked for as the answer ended (see
            // beforeAnswerLeavingBodyUnread); asked again here for an answer that has not ended, and
            // awaited.
            response.flushBuffer();
            if (!quarkus.close(request, false, new IOException(UNREAD_BODY))) {
                LOG.warn("Could not close the connection after an answer that left the request body unread: Quarkus "
                        + "will read the rest of the body, however long");
            }
            return;
        }
        if ((tomcatAbort == null && grizzlyClose == null && !liberty) || protocol == null
                || !protocol.startsWith("HTTP/1.")) {
            return;
        }
        response.flushBuffer();
        if (liberty) {
            // Liberty would read the whole rest of the body, however long, before the next request,
            // and its finish() waits for it too. The answer is ended whole first (closing the stream
            // writes it out), then the connection closed at once; nothing is thrown (see the class comment).
            endResponse(response);
            if (!LibertyConnection.close(request, new IOException(UNREAD_BODY))) {
                LOG.warn("Could not close the connection after an answer that left the request body unread: Liberty "
                        + "will read the rest of the body, however long, before the connection is reused");
            }
            return;
        }
        IOException unreadBody = tomcatAbort(UNREAD_BODY, null);
        if (grizzlyClose != null) {
            // Grizzly neither closes on "Connection: close" nor on Catalina's exception while a body
            // is unread: it waits for the rest of it (30 s and more). The close sends the answer first.
            closeConnection(grizzlyClose, request, unreadBody);
        }
        throw unreadBody;
    }

    /**
     * What to throw when a request fails after its response was committed, so that the container
     * breaks the connection (the client must see the response is incomplete) and writes nothing
     * more: on Tomcat, its abort exception carrying {@code failure}; elsewhere {@code failure}, on
     * Jetty with a cause that keeps Jetty's log of it quiet, on Undertow once the connection is
     * closed here, on Payara once the connection is closed (over HTTP/2, the stream reset) here. {@code null} on Liberty, once the connection (over HTTP/2, the
     * stream) is closed here: the caller then returns normally, as Liberty logs any exception that
     * leaves the chain and appends its error page (see the class comment).
     */
    IOException forCommittedResponse(HttpServletRequest request, HttpServletResponse response, IOException failure) {
        if (liberty) {
            abortLiberty(request, response, failure);
            return null;
        }
        if (undertowClose != null) {
            closeConnection(undertowClose, request, failure);
            return failure;
        }
        if (quarkus != null) {
            abortQuarkus(request, response, failure);
            return failure;
        }
        if (grizzlyClose != null) {
            closeGrizzlyConnection(request, response, failure);
            return tomcatAbort(failure.getMessage(), failure);
        }
        if (tomcatAbort == null) {
            return quietOnJetty(failure);
        }
        if (isHttp2(request)) {
            withholdEndOfStream(response, failure);
        }
        return tomcatAbort(failure.getMessage(), failure);
    }

    /**
     * {@code failure}, on Jetty with Jetty's quiet exception as its cause: Jetty logs whatever a
     * request throws, without its stack but at WARN, unless a {@code QuietException} is in its cause
     * chain, and aborts the connection either way. What the kit throws after commit is either logged
     * by the kit already (a failure, with its stack) or a client's doing (a body over the limit, a
     * refused dispatch) that a client could repeat to fill the log. Left as it is where the failure
     * already has a cause (Jetty then logs its WARN line).
     */
    private IOException quietOnJetty(IOException failure) {
        if (jettyQuiet == null || failure.getCause() != null) {
            return failure;
        }
        try {
            failure.initCause((Throwable) jettyQuiet.invokeExact("Logged, or counted, by Palisade"));
        } catch (IllegalStateException causeSetToNull) {
            LOG.debug("The failure's cause is fixed; Jetty logs it at WARN", causeSetToNull);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            LOG.debug("Jetty's quiet exception could not be made; Jetty logs the failure at WARN", e);
        }
        return failure;
    }

    /**
     * Tomcat answers its abort exception on an HTTP/2 stream by ending the stream cleanly
     * ({@code END_STREAM} on the last DATA frame) and only then resetting it, too late: the client
     * takes the half-written body for a whole one. With a trailer supplier set, Tomcat leaves
     * {@code END_STREAM} for the trailer fields, and a supplier that fails makes it reset the stream
     * before they are sent. Servlet API only; it changes nothing where trailers cannot be set (the
     * stream has already ended, so there is nothing left to cut short).
     */
    private static void withholdEndOfStream(HttpServletResponse response, IOException failure) {
        try {
            response.setTrailerFields(() -> {
                throw new UncheckedIOException(failure);
            });
        } catch (IllegalStateException e) {
            LOG.debug("Trailer fields not accepted; the stream ends as Tomcat decides", e);
        }
    }

    /**
     * Breaks the connection of a request that failed asynchronously after its response was
     * committed, where the container would otherwise end the response cleanly (Jetty, Payara, Liberty,
     * Quarkus). Does nothing where the container breaks it itself (Tomcat, Undertow) or no way is known.
     *
     * @return whether the caller must still complete the cycle: Liberty, which otherwise appends its
     *     error page to the response (over HTTP/2 too, where only the stream is closed)
     */
    boolean abortAsync(HttpServletRequest request, HttpServletResponse response, Throwable failure) {
        if (liberty) {
            abortLiberty(request, response, failure);
            return true;
        }
        if (grizzlyClose != null) {
            closeGrizzlyConnection(request, response, failure);
            return false;
        }
        if (quarkus != null) {
            // Quarkus, unlike Undertow, ends the response cleanly after an asynchronous failure.
            abortQuarkus(request, response, failure);
            return false;
        }
        abortJetty(request, failure);
        return false;
    }

    /**
     * Jetty's part of {@link #abortAsync}: aborts the request's channel ({@code ServletChannel.abort}).
     *
     * @return whether it was aborted: Jetty then ends the request without calling any listener;
     *     otherwise it ends the cycle itself, and tells them
     */
    boolean abortJetty(HttpServletRequest request, Throwable failure) {
        Throwable last = null;
        for (MethodHandle abort : jettyAborts) {
            try {
                abort.invokeExact((ServletRequest) request, failure);
                return true;
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                // Another environment's request class does not know this request: try the next.
                last = e;
            }
        }
        if (last != null) {
            // A request Jetty does not know as its own, or a changed API: the response then ends as
            // Jetty decides, and the operator should know the client may not see it was cut short.
            LOG.warn("Could not abort the connection of a failed asynchronous response: {}", last.toString());
        }
        return false;
    }

    /**
     * Whether a task given to {@code AsyncContext.start} that fails after its response was committed
     * must be answered by the filter (the connection broken and the cycle completed): Liberty would
     * log the failure unredacted and append its error page; Quarkus would end the response cleanly
     * at once (its last chunk sent before the timeout could break the connection). Elsewhere the
     * container breaks the connection itself, or the timeout's answer does.
     */
    boolean endsCommittedTaskFailures() {
        return liberty || quarkus != null;
    }

    /**
     * Whether the request's own connection is known to be open still (Payara): a write failure
     * Grizzly reports as "Connection closed" then came from another connection, a backend's the
     * application called through a Grizzly client, and is the server's failure. False where it is
     * not known.
     */
    boolean connectionKnownOpen(ServletRequest request) {
        if (grizzlyOpen == null) {
            return false;
        }
        ServletRequest container = ContainerRequests.unwrapped(request);
        try {
            return (boolean) grizzlyOpen.invokeExact(container);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // Not Catalina's facade (an application's own request object): not known.
            LOG.debug("Could not tell whether the connection is open", e);
            return false;
        }
    }

    /**
     * What to throw for a write that failed because the client went away, so that the container is
     * quiet about it: Payara logs Grizzly's own exception with its stack, and Catalina's
     * {@code ClientAbortException} (which carries it) not at all. {@code null} on Liberty, which logs
     * whatever leaves the chain and is quiet when nothing does: the caller then returns normally.
     * Elsewhere {@code gone} itself.
     */
    IOException quietly(IOException gone) {
        if (liberty) {
            return null;
        }
        if (grizzlyClose == null || tomcatAbort == null || TOMCAT_ABORT.equals(gone.getClass().getName())) {
            return gone;
        }
        return tomcatAbort(gone.getMessage(), gone);
    }

    /**
     * Sends what the response holds, then over HTTP/1.x closes Grizzly's connection without the end
     * of the body, over HTTP/2 resets the request's stream: the client sees the response is
     * incomplete. The HTTP/2 connection carries other streams, and is left open.
     */
    private void closeGrizzlyConnection(HttpServletRequest request, HttpServletResponse response, Throwable failure) {
        if (!flushedBeforeClose(request, response)) {
            return;
        }
        if (!isHttp2(request)) {
            closeConnection(grizzlyClose, request, failure);
            return;
        }
        ServletRequest container = ContainerRequests.unwrapped(request);
        if (grizzlyStreamReset != null && !grizzlyStreamReset.reset(container)) {
            LOG.warn("Could not reset the HTTP/2 stream of a failed response on Payara: it ends as Payara decides "
                    + "(cleanly)");
        }
    }

    private static boolean isHttp2(HttpServletRequest request) {
        String protocol = request.getProtocol();
        return protocol != null && protocol.startsWith("HTTP/2");
    }

    /**
     * Over HTTP/1.x and HTTP/2, sends what the failed response holds and returns true: its connection
     * (HTTP/1.x) or stream (HTTP/2) is then to be ended. Over any other protocol, false.
     */
    private static boolean flushedBeforeClose(HttpServletRequest request, HttpServletResponse response) {
        String protocol = request.getProtocol();
        if (protocol == null || !protocol.startsWith("HTTP/1.") && !protocol.startsWith("HTTP/2")) {
            return false;
        }
        try {
            response.flushBuffer();
        } catch (IOException | IllegalStateException e) {
            // The client may be gone already: the close that follows still ends the connection.
            LOG.debug("Could not send what the failed response held before closing the connection", e);
        }
        return true;
    }

    /** Ends the response as a whole one (its last chunk too), writing out what it holds. */
    private static void endResponse(HttpServletResponse response) throws IOException {
        try {
            response.getOutputStream().close();
        } catch (IllegalStateException writerTaken) {
            response.getWriter().close();
        }
    }

    /**
     * Sends what the response holds and closes Liberty's link of the request without the end of the
     * body: over HTTP/1.x the connection, over HTTP/2 the request's stream alone, which Liberty resets
     * (see {@link LibertyConnection}).
     */
    private static void abortLiberty(HttpServletRequest request, HttpServletResponse response, Throwable failure) {
        if (flushedBeforeClose(request, response)
                && !LibertyConnection.close(request, failure instanceof Exception e ? e : new IOException(failure))) {
            LOG.warn("Could not close the connection (over HTTP/2, the stream) of a failed response on Liberty: it "
                    + "ends as Liberty decides (cleanly, perhaps with Liberty's error page appended)");
        }
    }

    /**
     * Sends what the response holds, then closes Quarkus's connection (over HTTP/2, resets the
     * stream) without the end of the body: Quarkus itself would end it cleanly.
     */
    private void abortQuarkus(HttpServletRequest request, HttpServletResponse response, Throwable failure) {
        if (flushedBeforeClose(request, response) && !quarkus.close(request, isHttp2(request), failure)) {
            LOG.warn("Could not close the connection (over HTTP/2, the stream) of a failed response on Quarkus: it "
                    + "ends as Quarkus decides (cleanly)");
        }
    }

    /** Whether this is the abort of Quarkus's fork of Undertow (for tests and the fault recognitions). */
    boolean isQuarkus() {
        return quarkus != null;
    }

    private static void closeConnection(MethodHandle close, ServletRequest request, Throwable failure) {
        ServletRequest container = ContainerRequests.unwrapped(request);
        try {
            close.invokeExact(container);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // A request the container does not know as its own (an application's own request
            // object; on Payara, one that is not Catalina's facade), or a changed API: the response
            // then ends as the container decides, and the operator should know.
            failure.addSuppressed(e);
            LOG.warn("Could not close the connection of a failed or early-answered response: {}", e.toString());
        }
    }

    private IOException tomcatAbort(String message, Throwable cause) {
        if (tomcatAbort == null) {
            // Payara without Catalina's exception in sight: the failure as it is.
            return cause instanceof IOException io ? io : new IOException(message, cause);
        }
        try {
            return (IOException) tomcatAbort.invokeExact(message, cause);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            // The constructor declares nothing checked; should that ever change, still abort.
            IOException fallback = new IOException(message, cause);
            fallback.addSuppressed(e);
            return fallback;
        }
    }
}
