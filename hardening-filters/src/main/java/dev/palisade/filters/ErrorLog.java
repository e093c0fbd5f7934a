package dev.palisade.filters;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Writes the error boundary's ERROR lines. Without an SLF4J backend they go to the container's log
 * ({@link ServletContext#log}). A logging backend that throws (Log4j 2 with
 * {@code ignoreExceptions="false"} on a full disk, a Logback turbo filter that fails) must neither
 * keep the client from its problem answer nor have it replaced by the container's error page,
 * which quotes the backend's exception (Tomcat's with its stack): the line goes to the container's
 * own log ({@link ServletContext#log}) instead, naming the backend's failure.
 */
final class ErrorLog {
    private ErrorLog() {
    }

    /**
     * {@code logger.error(format, arguments)}, or the same line in the container's log if that
     * throws, or if SLF4J has no backend to write it (see {@link #hasNoBackend}). A {@code null}
     * context (a filter used before {@code init}) leaves the line to SLF4J alone.
     */
    static void error(Logger logger, ServletContext context, String format, Object... arguments) {
        if (context == null) {
            logger.error(format, arguments);
            return;
        }
        if (hasNoBackend()) {
            FormattingTuple line = MessageFormatter.arrayFormat(format, arguments);
            // The two-argument log, a null throwable too: the containers log it as an error (Tomcat SEVERE, Jetty
            // WARN); the one-argument log is their INFO.
            context.log(line.getMessage(), line.getThrowable());
            return;
        }
        try {
            logger.error(format, arguments);
        } catch (RuntimeException | Error backendFailure) {
            FormattingTuple line = MessageFormatter.arrayFormat(format, arguments);
            String message = "The SLF4J backend failed (" + backendFailure.getClass().getName()
                    + ") to log this ERROR of " + logger.getName() + ": " + line.getMessage();
            // With a throwable, so that the containers log it as a warning or error, not as INFO.
            context.log(message, line.getThrowable() != null ? line.getThrowable() : RedactedThrowable.loggable(backendFailure));
        }
    }

    /**
     * Whether SLF4J found no backend (a WAR with {@code slf4j-api} and no provider beside it: the
     * standalone containers give web applications none) and drops every line. The error boundary's
     * ERROR lines, with the request id and stack trace an operator needs for a 500, must not go
     * with them.
     */
    static boolean hasNoBackend() {
        // The factory, not the logger: a logger taken while SLF4J initialises is a substitute, never a NOPLogger.
        return LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory;
    }

    /**
     * As {@link #error}, for a line written just before {@code thrownNext} is thrown (an abort of a
     * committed response): should the container's log throw as well, its failure goes with
     * {@code thrownNext}, suppressed, instead of replacing it (on Tomcat the response then ended
     * cleanly, and looked whole though it was cut short).
     */
    static void errorBefore(Throwable thrownNext, Logger logger, ServletContext context, String format,
            Object... arguments) {
        try {
            error(logger, context, format, arguments);
        } catch (RuntimeException | Error bothLogsFailed) {
            thrownNext.addSuppressed(RedactedThrowable.loggable(bothLogsFailed));
        }
    }

    /**
     * As {@link #error}, for a line written just before an answer: should the container's log
     * throw as well (on Jetty it is the same SLF4J backend), the answer is sent and ended first,
     * and the failure then reaches the container as an abort of the finished response. Thrown
     * at once, the container's page would have quoted the backend's exception to the client.
     */
    static void errorThenAnswer(Logger logger, HttpServletRequest request, HttpServletResponse response,
            ConnectionAbort abort, Answer answer, String format, Object... arguments) throws IOException {
        Throwable unlogged = null;
        try {
            error(logger, request.getServletContext(), format, arguments);
        } catch (RuntimeException | Error bothLogsFailed) {
            unlogged = bothLogsFailed;
        }
        answer.send();
        if (unlogged != null) {
            finish(response);
            IOException abortion = abort.forCommittedResponse(request, response,
                    new IOException("Neither SLF4J nor the container's log took an ERROR line", RedactedThrowable.loggable(unlogged)));
            if (abortion != null) {
                throw abortion;
            }
        }
    }

    /** Ends the answer as a whole response (a last chunk too), so that the abort after it cuts nothing short. */
    private static void finish(HttpServletResponse response) throws IOException {
        try {
            response.getOutputStream().close();
        } catch (IllegalStateException writerTaken) {
            response.getWriter().close();
        }
    }

    /** Writes an answer. */
    @FunctionalInterface
    interface Answer {
        void send() throws IOException;
    }
}
