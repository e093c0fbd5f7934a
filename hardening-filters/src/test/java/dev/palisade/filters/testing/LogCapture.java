package dev.palisade.filters.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures what is logged under one logger name (and its children) while open. */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final Logger logger;

    private LogCapture(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
        setContext(logger.getLoggerContext());
        start();
        logger.addAppender(this);
    }

    /** Captures {@code loggerName}; use {@code org.slf4j.Logger.ROOT_LOGGER_NAME} for everything. */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    public static LogCapture of(Class<?> type) {
        return new LogCapture(type.getName());
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        synchronized (events) {
            events.add(event);
            events.notifyAll();
        }
    }

    /**
     * Waits, at most {@code millis}, until an event whose formatted message contains {@code text}
     * has been captured: a line logged on another thread after the response was sent.
     */
    public boolean awaitMessage(String text, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (events) {
            while (events.stream().noneMatch(e -> e.getFormattedMessage().contains(text))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                events.wait(Math.max(1, left / 1_000_000L));
            }
            return true;
        }
    }

    public List<ILoggingEvent> events() {
        return List.copyOf(events);
    }

    /** Each event as one text: level, formatted message and, if any, the stack trace. */
    public List<String> lines() {
        return events.stream().map(LogCapture::render).collect(Collectors.toList());
    }

    /** Everything captured, one event after another. */
    public String text() {
        return String.join("\n", lines());
    }

    /** The captured events that {@code which} selects, rendered as {@link #text()} renders them. */
    public String text(Predicate<ILoggingEvent> which) {
        return events.stream().filter(which).map(LogCapture::render).collect(Collectors.joining("\n"));
    }

    private static String render(ILoggingEvent e) {
        String text = e.getLevel() + " " + e.getFormattedMessage();
        if (e.getThrowableProxy() != null) {
            text += "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
        }
        return text;
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
    }
}
