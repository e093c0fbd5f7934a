package dev.palisade.filters;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LocationAwareLogger;

/**
 * The log helper: an SLF4J {@link Logger} that formats each message itself (SLF4J's
 * {@link MessageFormatter}, so {@code {}} placeholders and a trailing throwable behave as usual),
 * passes the whole formatted line through {@link Redactor#redact} — emails, tokens, keys, card
 * numbers, sensitive {@code key=value} pairs masked; CR/LF escaped — and hands the result to the
 * real logger. Redacting the whole line, not each argument, also catches a label in the pattern
 * followed by a secret in an argument ({@code "password={}"}).
 *
 * <pre>{@code
 * private static final Logger LOG = RedactingLogger.getLogger(SignupServlet.class);
 * LOG.info("Signup from {} with {}", email, requestBody);   // -> Signup from j***@example.com ...
 * }</pre>
 *
 * <p>A throwable keeps its stack trace, server side; a message in its chain that holds something
 * to mask or a control character is logged redacted (the throwable then prints as a
 * {@code RedactedThrowable} whose message starts with the original class). Where the backend supports it
 * (logback, log4j2), caller location ({@code %line}, {@code %method}) still names the application's
 * class, not this wrapper — for the classic methods; the fluent API ({@code atInfo()…log()}) is
 * redacted too (key-value pairs included) but reports SLF4J's event builder as the caller. Every
 * call checks the level first, so a disabled level costs nothing.
 */
public final class RedactingLogger implements Logger {
    private static final String FQCN = RedactingLogger.class.getName();

    private final Logger delegate;
    private final LocationAwareLogger location;

    private RedactingLogger(Logger delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.location = delegate instanceof LocationAwareLogger aware ? aware : null;
    }

    /** A redacting logger named after {@code type}. */
    public static Logger getLogger(Class<?> type) {
        return wrap(LoggerFactory.getLogger(type));
    }

    /** A redacting logger with this name. */
    public static Logger getLogger(String name) {
        return wrap(LoggerFactory.getLogger(name));
    }

    /** Wraps an existing logger (wrapping twice is harmless: returns {@code delegate} if it already redacts). */
    public static Logger wrap(Logger delegate) {
        return delegate instanceof RedactingLogger ? delegate : new RedactingLogger(delegate);
    }

    @Override
    public String getName() {
        return delegate.getName();
    }

    /** How deep nested arrays are rendered; a self-containing array stops at once. */
    private static final int MAX_ARRAY_DEPTH = 8;

    private void format(Level level, Marker marker, String format, Object[] arguments) {
        FormattingTuple tuple = MessageFormatter.arrayFormat(format, rendered(arguments));
        emit(level, marker, tuple.getMessage(), tuple.getThrowable());
    }

    /**
     * The arguments with each object rendered here, where a {@code toString()} that throws is
     * contained: SLF4J's formatter would catch it too, but then print the exception, message and
     * all, unredacted, to {@code System.err}. Throwables stay as they are (the trailing one is the
     * log event's throwable); an array of objects is rendered here element by element, as the
     * formatter would ({@code [a, b]}), so that its elements are contained too.
     */
    private static Object[] rendered(Object[] arguments) {
        if (arguments == null) {
            return null;
        }
        Object[] out = arguments;
        for (int i = 0; i < arguments.length; i++) {
            Object a = arguments[i];
            if (a == null || a instanceof String || a instanceof Throwable
                    || (a.getClass().isArray() && !(a instanceof Object[]))) {
                continue;
            }
            if (out == arguments) {
                out = arguments.clone();
            }
            out[i] = safeToString(a);
        }
        return out;
    }

    private static String safeToString(Object a) {
        if (a instanceof Object[] array) {
            return safeToString(array, 0);
        }
        try {
            return String.valueOf(a);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            // The object cannot say what it is; its exception may quote what it holds, so it is not
            // shown either. The marker is the one SLF4J's own formatter writes. Exception also
            // stands for a checked one thrown sneakily: a log call must not throw.
            return "[FAILED toString()]";
        }
    }

    private static String safeToString(Object[] array, int depth) {
        if (depth > MAX_ARRAY_DEPTH) {
            return "[...]";
        }
        StringBuilder out = new StringBuilder().append('[');
        for (int i = 0; i < array.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            Object element = array[i];
            if (element instanceof Object[] nested) {
                out.append(nested == array ? "[...]" : safeToString(nested, depth + 1));
            } else if (element != null && element.getClass().isArray()) {
                out.append(MessageFormatter.arrayFormat("{}", new Object[] {element}).getMessage());
            } else {
                out.append(safeToString(element));
            }
        }
        return out.append(']').toString();
    }

    private void emit(Level level, Marker marker, String message, Throwable thrown) {
        String safe = Redactor.redact(message);
        Throwable t = RedactedThrowable.loggable(thrown);
        if (location != null) {
            // No arguments: the backend must not format the already formatted, redacted text again.
            location.log(marker, FQCN, level.toInt(), safe, null, t);
            return;
        }
        switch (level) {
            case TRACE: delegate.trace(marker, "{}", safe, t); break;
            case DEBUG: delegate.debug(marker, "{}", safe, t); break;
            case INFO: delegate.info(marker, "{}", safe, t); break;
            case WARN: delegate.warn(marker, "{}", safe, t); break;
            default: delegate.error(marker, "{}", safe, t); break;
        }
    }

    @Override
    public boolean isTraceEnabled() {
        return delegate.isTraceEnabled();
    }

    @Override
    public void trace(String msg) {
        if (delegate.isTraceEnabled()) {
            emit(Level.TRACE, null, msg, null);
        }
    }

    @Override
    public void trace(String format, Object arg) {
        if (delegate.isTraceEnabled()) {
            format(Level.TRACE, null, format, new Object[] {arg});
        }
    }

    @Override
    public void trace(String format, Object arg1, Object arg2) {
        if (delegate.isTraceEnabled()) {
            format(Level.TRACE, null, format, new Object[] {arg1, arg2});
        }
    }

    @Override
    public void trace(String format, Object... arguments) {
        if (delegate.isTraceEnabled()) {
            format(Level.TRACE, null, format, arguments);
        }
    }

    @Override
    public void trace(String msg, Throwable t) {
        if (delegate.isTraceEnabled()) {
            emit(Level.TRACE, null, msg, t);
        }
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return delegate.isTraceEnabled(marker);
    }

    @Override
    public void trace(Marker marker, String msg) {
        if (delegate.isTraceEnabled(marker)) {
            emit(Level.TRACE, marker, msg, null);
        }
    }

    @Override
    public void trace(Marker marker, String format, Object arg) {
        if (delegate.isTraceEnabled(marker)) {
            format(Level.TRACE, marker, format, new Object[] {arg});
        }
    }

    @Override
    public void trace(Marker marker, String format, Object arg1, Object arg2) {
        if (delegate.isTraceEnabled(marker)) {
            format(Level.TRACE, marker, format, new Object[] {arg1, arg2});
        }
    }

    @Override
    public void trace(Marker marker, String format, Object... arguments) {
        if (delegate.isTraceEnabled(marker)) {
            format(Level.TRACE, marker, format, arguments);
        }
    }

    @Override
    public void trace(Marker marker, String msg, Throwable t) {
        if (delegate.isTraceEnabled(marker)) {
            emit(Level.TRACE, marker, msg, t);
        }
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate.isDebugEnabled();
    }

    @Override
    public void debug(String msg) {
        if (delegate.isDebugEnabled()) {
            emit(Level.DEBUG, null, msg, null);
        }
    }

    @Override
    public void debug(String format, Object arg) {
        if (delegate.isDebugEnabled()) {
            format(Level.DEBUG, null, format, new Object[] {arg});
        }
    }

    @Override
    public void debug(String format, Object arg1, Object arg2) {
        if (delegate.isDebugEnabled()) {
            format(Level.DEBUG, null, format, new Object[] {arg1, arg2});
        }
    }

    @Override
    public void debug(String format, Object... arguments) {
        if (delegate.isDebugEnabled()) {
            format(Level.DEBUG, null, format, arguments);
        }
    }

    @Override
    public void debug(String msg, Throwable t) {
        if (delegate.isDebugEnabled()) {
            emit(Level.DEBUG, null, msg, t);
        }
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return delegate.isDebugEnabled(marker);
    }

    @Override
    public void debug(Marker marker, String msg) {
        if (delegate.isDebugEnabled(marker)) {
            emit(Level.DEBUG, marker, msg, null);
        }
    }

    @Override
    public void debug(Marker marker, String format, Object arg) {
        if (delegate.isDebugEnabled(marker)) {
            format(Level.DEBUG, marker, format, new Object[] {arg});
        }
    }

    @Override
    public void debug(Marker marker, String format, Object arg1, Object arg2) {
        if (delegate.isDebugEnabled(marker)) {
            format(Level.DEBUG, marker, format, new Object[] {arg1, arg2});
        }
    }

    @Override
    public void debug(Marker marker, String format, Object... arguments) {
        if (delegate.isDebugEnabled(marker)) {
            format(Level.DEBUG, marker, format, arguments);
        }
    }

    @Override
    public void debug(Marker marker, String msg, Throwable t) {
        if (delegate.isDebugEnabled(marker)) {
            emit(Level.DEBUG, marker, msg, t);
        }
    }

    @Override
    public boolean isInfoEnabled() {
        return delegate.isInfoEnabled();
    }

    @Override
    public void info(String msg) {
        if (delegate.isInfoEnabled()) {
            emit(Level.INFO, null, msg, null);
        }
    }

    @Override
    public void info(String format, Object arg) {
        if (delegate.isInfoEnabled()) {
            format(Level.INFO, null, format, new Object[] {arg});
        }
    }

    @Override
    public void info(String format, Object arg1, Object arg2) {
        if (delegate.isInfoEnabled()) {
            format(Level.INFO, null, format, new Object[] {arg1, arg2});
        }
    }

    @Override
    public void info(String format, Object... arguments) {
        if (delegate.isInfoEnabled()) {
            format(Level.INFO, null, format, arguments);
        }
    }

    @Override
    public void info(String msg, Throwable t) {
        if (delegate.isInfoEnabled()) {
            emit(Level.INFO, null, msg, t);
        }
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return delegate.isInfoEnabled(marker);
    }

    @Override
    public void info(Marker marker, String msg) {
        if (delegate.isInfoEnabled(marker)) {
            emit(Level.INFO, marker, msg, null);
        }
    }

    @Override
    public void info(Marker marker, String format, Object arg) {
        if (delegate.isInfoEnabled(marker)) {
            format(Level.INFO, marker, format, new Object[] {arg});
        }
    }

    @Override
    public void info(Marker marker, String format, Object arg1, Object arg2) {
        if (delegate.isInfoEnabled(marker)) {
            format(Level.INFO, marker, format, new Object[] {arg1, arg2});
        }
    }

    @Override
    public void info(Marker marker, String format, Object... arguments) {
        if (delegate.isInfoEnabled(marker)) {
            format(Level.INFO, marker, format, arguments);
        }
    }

    @Override
    public void info(Marker marker, String msg, Throwable t) {
        if (delegate.isInfoEnabled(marker)) {
            emit(Level.INFO, marker, msg, t);
        }
    }

    @Override
    public boolean isWarnEnabled() {
        return delegate.isWarnEnabled();
    }

    @Override
    public void warn(String msg) {
        if (delegate.isWarnEnabled()) {
            emit(Level.WARN, null, msg, null);
        }
    }

    @Override
    public void warn(String format, Object arg) {
        if (delegate.isWarnEnabled()) {
            format(Level.WARN, null, format, new Object[] {arg});
        }
    }

    @Override
    public void warn(String format, Object arg1, Object arg2) {
        if (delegate.isWarnEnabled()) {
            format(Level.WARN, null, format, new Object[] {arg1, arg2});
        }
    }

    @Override
    public void warn(String format, Object... arguments) {
        if (delegate.isWarnEnabled()) {
            format(Level.WARN, null, format, arguments);
        }
    }

    @Override
    public void warn(String msg, Throwable t) {
        if (delegate.isWarnEnabled()) {
            emit(Level.WARN, null, msg, t);
        }
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return delegate.isWarnEnabled(marker);
    }

    @Override
    public void warn(Marker marker, String msg) {
        if (delegate.isWarnEnabled(marker)) {
            emit(Level.WARN, marker, msg, null);
        }
    }

    @Override
    public void warn(Marker marker, String format, Object arg) {
        if (delegate.isWarnEnabled(marker)) {
            format(Level.WARN, marker, format, new Object[] {arg});
        }
    }

    @Override
    public void warn(Marker marker, String format, Object arg1, Object arg2) {
        if (delegate.isWarnEnabled(marker)) {
            format(Level.WARN, marker, format, new Object[] {arg1, arg2});
        }
    }

    @Override
    public void warn(Marker marker, String format, Object... arguments) {
        if (delegate.isWarnEnabled(marker)) {
            format(Level.WARN, marker, format, arguments);
        }
    }

    @Override
    public void warn(Marker marker, String msg, Throwable t) {
        if (delegate.isWarnEnabled(marker)) {
            emit(Level.WARN, marker, msg, t);
        }
    }

    @Override
    public boolean isErrorEnabled() {
        return delegate.isErrorEnabled();
    }

    @Override
    public void error(String msg) {
        if (delegate.isErrorEnabled()) {
            emit(Level.ERROR, null, msg, null);
        }
    }

    @Override
    public void error(String format, Object arg) {
        if (delegate.isErrorEnabled()) {
            format(Level.ERROR, null, format, new Object[] {arg});
        }
    }

    @Override
    public void error(String format, Object arg1, Object arg2) {
        if (delegate.isErrorEnabled()) {
            format(Level.ERROR, null, format, new Object[] {arg1, arg2});
        }
    }

    @Override
    public void error(String format, Object... arguments) {
        if (delegate.isErrorEnabled()) {
            format(Level.ERROR, null, format, arguments);
        }
    }

    @Override
    public void error(String msg, Throwable t) {
        if (delegate.isErrorEnabled()) {
            emit(Level.ERROR, null, msg, t);
        }
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return delegate.isErrorEnabled(marker);
    }

    @Override
    public void error(Marker marker, String msg) {
        if (delegate.isErrorEnabled(marker)) {
            emit(Level.ERROR, marker, msg, null);
        }
    }

    @Override
    public void error(Marker marker, String format, Object arg) {
        if (delegate.isErrorEnabled(marker)) {
            format(Level.ERROR, marker, format, new Object[] {arg});
        }
    }

    @Override
    public void error(Marker marker, String format, Object arg1, Object arg2) {
        if (delegate.isErrorEnabled(marker)) {
            format(Level.ERROR, marker, format, new Object[] {arg1, arg2});
        }
    }

    @Override
    public void error(Marker marker, String format, Object... arguments) {
        if (delegate.isErrorEnabled(marker)) {
            format(Level.ERROR, marker, format, arguments);
        }
    }

    @Override
    public void error(Marker marker, String msg, Throwable t) {
        if (delegate.isErrorEnabled(marker)) {
            emit(Level.ERROR, marker, msg, t);
        }
    }
}
