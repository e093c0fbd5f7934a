package dev.palisade.filters;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import org.slf4j.event.DefaultLoggingEvent;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LocationAwareLogger;
import org.slf4j.spi.LoggingEventAware;

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
 * class, not this wrapper. The fluent API ({@code atInfo()…log()}) is redacted too: the message is
 * formatted with its own arguments (a {@code {}} in a key-value pair's value cannot take one of
 * them), each key-value pair's value is redacted, and the event goes on with its markers and
 * key-value pairs as such where the backend takes events (logback does), as text before the message
 * otherwise. Every call checks the level first, so a disabled level costs nothing.
 */
public final class RedactingLogger implements Logger, LoggingEventAware {
    private static final String FQCN = RedactingLogger.class.getName();

    private final Logger delegate;
    private final LocationAwareLogger location;
    private final LoggingEventAware events;

    private RedactingLogger(Logger delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.location = delegate instanceof LocationAwareLogger aware ? aware : null;
        this.events = delegate instanceof LoggingEventAware aware ? aware : null;
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
     * An event of the fluent API ({@code atInfo()…log()}), which SLF4J's event builder hands here
     * once its level is enabled: formatted and redacted as a classic call is, its key-value pairs'
     * values redacted, and passed on as an event with its markers, key-value pairs, time and caller
     * boundary (so that the caller's location is the application's line).
     */
    @Override
    public void log(LoggingEvent event) {
        Object[] arguments = event.getArgumentArray();
        FormattingTuple tuple = arguments == null || arguments.length == 0
                ? new FormattingTuple(event.getMessage())
                : MessageFormatter.arrayFormat(event.getMessage(), rendered(arguments));
        Throwable thrown = event.getThrowable() != null ? event.getThrowable() : tuple.getThrowable();
        List<Marker> markers = event.getMarkers();
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (events == null) {
            // A backend that takes no events: the pairs as text before the message (each masked as
            // below, the whole text redacted again by emit), the markers as one, the caller as the
            // builder's boundary says.
            StringBuilder text = new StringBuilder();
            if (pairs != null) {
                for (KeyValuePair pair : pairs) {
                    text.append(pair.key).append('=').append(redactedValue(pair)).append(' ');
                }
            }
            text.append(tuple.getMessage());
            String boundary = event.getCallerBoundary();
            emit(boundary == null ? FQCN : boundary, event.getLevel(), oneMarker(markers), text.toString(), thrown);
            return;
        }
        DefaultLoggingEvent safe = new DefaultLoggingEvent(event.getLevel(), delegate);
        safe.setMessage(Redactor.redact(tuple.getMessage()));
        safe.setThrowable(RedactedThrowable.loggable(thrown));
        safe.setTimeStamp(event.getTimeStamp());
        safe.setCallerBoundary(event.getCallerBoundary());
        if (markers != null) {
            markers.forEach(safe::addMarker);
        }
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                safe.addKeyValue(pair.key == null ? null : Redactor.redact(pair.key), redactedValue(pair));
            }
        }
        events.log(safe);
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

    /**
     * A key-value pair's value: all of it masked under a sensitive key (the Redactor's judgement of
     * {@code key=…}; the value is known whole here, where in a line an unquoted value ends at its
     * first space), otherwise redacted as text. A number or boolean with nothing to mask stays
     * itself, for backends that write typed fields.
     */
    private static Object redactedValue(KeyValuePair pair) {
        if (pair.value == null) {
            return null;
        }
        if (pair.key != null && Redactor.redact(pair.key + "=x").endsWith("=***")) {
            return "***";
        }
        String value = safeToString(pair.value);
        String redacted = Redactor.redact(value);
        return redacted.equals(value) && (pair.value instanceof Number || pair.value instanceof Boolean) ? pair.value : redacted;
    }

    /**
     * The event's markers as one: a detached marker named after all of them, holding each as a
     * reference, so that {@code contains} finds every one and theirs. Not named after the first:
     * markers compare by name, so the first (and any marker referring to it) would be refused.
     */
    private static Marker oneMarker(List<Marker> markers) {
        if (markers == null || markers.isEmpty()) {
            return null;
        }
        if (markers.size() == 1) {
            return markers.get(0);
        }
        StringBuilder name = new StringBuilder();
        for (Marker marker : markers) {
            name.append(name.length() == 0 ? "" : ", ").append(marker.getName());
        }
        Marker combined = MarkerFactory.getDetachedMarker(name.toString());
        markers.forEach(combined::add);
        return combined;
    }

    private static String safeToString(Object a) {
        if (a instanceof Object[] array) {
            return safeToString(array, 0, new IdentityHashMap<>());
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

    /**
     * {@code array} as SLF4J renders it; an array already on the path from the top ({@code onPath})
     * is {@code [...]}, as SLF4J writes it, so arrays that contain each other render once each, not
     * exponentially often.
     */
    private static String safeToString(Object[] array, int depth, Map<Object[], Boolean> onPath) {
        if (depth > MAX_ARRAY_DEPTH || onPath.put(array, Boolean.TRUE) != null) {
            return "[...]";
        }
        StringBuilder out = new StringBuilder().append('[');
        for (int i = 0; i < array.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            Object element = array[i];
            if (element instanceof Object[] nested) {
                out.append(safeToString(nested, depth + 1, onPath));
            } else if (element != null && element.getClass().isArray()) {
                out.append(MessageFormatter.arrayFormat("{}", new Object[] {element}).getMessage());
            } else {
                out.append(safeToString(element));
            }
        }
        onPath.remove(array);
        return out.append(']').toString();
    }

    private void emit(Level level, Marker marker, String message, Throwable thrown) {
        emit(FQCN, level, marker, message, thrown);
    }

    private void emit(String callerBoundary, Level level, Marker marker, String message, Throwable thrown) {
        String safe = Redactor.redact(message);
        Throwable t = RedactedThrowable.loggable(thrown);
        if (location != null) {
            // No arguments: the backend must not format the already formatted, redacted text again.
            location.log(marker, callerBoundary, level.toInt(), safe, null, t);
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
