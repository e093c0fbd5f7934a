package dev.palisade.filters;

import java.io.IOException;

/**
 * Undertow's exceptions for a client's mistake or departure. Unlike Jetty and Tomcat, Undertow
 * throws plain exceptions for most of them (an {@code IOException} "UT000128: Remote peer closed
 * connection before all data could be read", the socket's own "Connection reset by peer"), so they
 * are told apart by where they were thrown: by Undertow's (or XNIO's) code, directly or through the
 * JDK, while the application read the request body or wrote the response. Thrown elsewhere (a
 * backend's client, a file the application wrote) the same class is the server's failure. Recognised
 * by name, so the filter jar needs no Undertow classes.
 */
final class UndertowFaults {
    /** Undertow's entity limit ({@code UndertowOptions.MAX_ENTITY_SIZE}, 2 MiB unless set), read past. */
    private static final String REQUEST_TOO_BIG = "io.undertow.server.RequestTooBigException";
    /** A multipart file over {@code MultipartConfig.maxFileSize}. */
    private static final String FILE_TOO_LARGE =
            "io.undertow.server.handlers.form.MultiPartParserDefinition$FileTooLargeException";
    private static final String SERVLET_INPUT = "io.undertow.servlet.spec.ServletInputStreamImpl";
    private static final String SERVLET_REQUEST = "io.undertow.servlet.spec.HttpServletRequestImpl";
    private static final String FORM_PARSERS = "io.undertow.server.handlers.form.";
    private static final String SERVLET_OUTPUT = "io.undertow.servlet.spec.ServletOutputStreamImpl";
    private static final String SERVLET_RESPONSE = "io.undertow.servlet.spec.HttpServletResponseImpl";
    private static final String SERVLET_WRITER = "io.undertow.servlet.spec.ServletPrintWriter";

    private UndertowFaults() {
    }

    /** Whether {@code t} itself is Undertow's word that the body passed a limit of its own. */
    static boolean isTooLarge(Throwable t) {
        String name = t.getClass().getName();
        return REQUEST_TOO_BIG.equals(name) || FILE_TOO_LARGE.equals(name);
    }

    /**
     * Whether {@code t} itself was thrown by Undertow while it read the request body or parsed it as
     * a form or multipart: the body broke off, its framing or encoding was wrong.
     */
    static boolean isBrokenBody(Throwable t) {
        StackTraceElement[] frames = framesOf(t);
        if (!thrownByUndertow(frames)) {
            return false;
        }
        for (StackTraceElement frame : frames) {
            String type = frame.getClassName();
            if (type.equals(SERVLET_INPUT) || type.startsWith(FORM_PARSERS)) {
                return true;
            }
            if (type.equals(SERVLET_REQUEST)) {
                // getParameter or getParts, which parse the body (the causes hold where).
                return false;
            }
        }
        return false;
    }

    /** Whether {@code t} itself is the I/O failure of a write to a client that went away. */
    static boolean isClientGone(Throwable t) {
        if (!(t instanceof IOException)) {
            return false;
        }
        StackTraceElement[] frames = framesOf(t);
        if (!thrownByUndertow(frames)) {
            return false;
        }
        for (StackTraceElement frame : frames) {
            String type = frame.getClassName();
            if (type.equals(SERVLET_OUTPUT) || type.equals(SERVLET_RESPONSE) || type.equals(SERVLET_WRITER)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code t}'s frames, or none when asking for them throws: an application's exception may
     * override {@code getStackTrace()}, and this runs on the error path, which must still answer.
     */
    private static StackTraceElement[] framesOf(Throwable t) {
        try {
            StackTraceElement[] frames = t.getStackTrace();
            return frames == null ? new StackTraceElement[0] : frames;
        } catch (RuntimeException unreadable) {
            return new StackTraceElement[0];
        }
    }

    /**
     * Whether the first frame outside the JDK and the logging bridge is Undertow's or XNIO's: the
     * exception was raised by the container (a socket's error comes through the JDK's frames; a
     * message Undertow failed to log, through JBoss Logging's), and no file write is on the way
     * (a full disk under a multipart upload is the server's failure).
     */
    private static boolean thrownByUndertow(StackTraceElement[] frames) {
        for (StackTraceElement frame : frames) {
            String type = frame.getClassName();
            // Not sun.nio.ch.FileDispatcherImpl: sockets write through it too.
            if (type.equals("sun.nio.ch.FileChannelImpl") || type.startsWith("java.io.File")
                    || type.equals("java.io.RandomAccessFile") || type.startsWith("java.nio.file.")) {
                return false;
            }
            if (type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.")
                    || type.startsWith("sun.") || type.startsWith("org.jboss.logging.")) {
                continue;
            }
            return type.startsWith("io.undertow.") || type.startsWith("org.xnio.");
        }
        return false;
    }
}
