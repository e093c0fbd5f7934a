package dev.palisade.filters;

import jakarta.servlet.ServletContext;
import org.slf4j.Logger;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MessageFormatter;

/**
 * Writes the error boundary's ERROR lines. A logging backend that throws (Log4j 2 with
 * {@code ignoreExceptions="false"} on a full disk, a Logback turbo filter that fails) must neither
 * keep the client from its problem answer nor have it replaced by the container's error page,
 * which quotes the backend's exception (Tomcat's with its stack): the line goes to the container's
 * own log ({@link ServletContext#log}) instead, naming the backend's failure.
 */
final class ErrorLog {
    private ErrorLog() {
    }

    /** {@code logger.error(format, arguments)}, or the same line in the container's log if that throws. */
    static void error(Logger logger, ServletContext context, String format, Object... arguments) {
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
}
