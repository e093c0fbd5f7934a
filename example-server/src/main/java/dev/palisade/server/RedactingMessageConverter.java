package dev.palisade.server;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.palisade.filters.Redactor;

/**
 * Logback converter ({@code %redactedMsg}) for the formatted message and, for an event with an
 * exception, the exception text: every log line passes {@link Redactor}, so an email, a bearer token
 * or a key that a developer logs by mistake comes out masked, and CR/LF in a logged value is escaped
 * so it cannot forge a second line. Stack frames stay on their own lines, each redacted too.
 */
public final class RedactingMessageConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        String message = Redactor.redact(event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown == null) {
            return message;
        }
        StringBuilder out = new StringBuilder(message);
        for (IThrowableProxy t = thrown; t != null; t = t.getCause()) {
            out.append(System.lineSeparator()).append(t == thrown ? "" : "Caused by: ")
                    .append(Redactor.redact(t.getClassName() + ": " + t.getMessage()));
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                out.append(System.lineSeparator()).append("\tat ").append(Redactor.redact(frame.getStackTraceElement().toString()));
            }
        }
        return out.toString();
    }
}
