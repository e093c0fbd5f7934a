package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.palisade.filters.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Should the redactor fail on a text (no known input makes it fail now; a fault on {@code foo@} once
 * did, and through the access log that was an unthrottled 500), the text is logged as a placeholder
 * with none of its content, the fault is logged without the failure's message (which may quote the
 * text), and the caller goes on.
 */
class RedactionFailuresTest {
    /** A text that fails while being read, as a redactor fault would: the message quotes a secret. */
    private static final CharSequence FAILING = new CharSequence() {
        @Override
        public int length() {
            return 40;
        }

        @Override
        public char charAt(int index) {
            throw new StringIndexOutOfBoundsException("index " + index + " in password=hunter2");
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            throw new StringIndexOutOfBoundsException("password=hunter2");
        }

        @Override
        public String toString() {
            throw new StringIndexOutOfBoundsException("begin 0, end 40, length 3: password=hunter2");
        }
    };

    @Test
    void aTextTheRedactorFailsOnIsLoggedAsAPlaceholderAndTheFaultWithoutTheText() {
        Logger logger = (Logger) LoggerFactory.getLogger(Redactor.class);
        Level before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        long failuresBefore = RedactionFailures.count();
        try (LogCapture logs = LogCapture.of(Redactor.class)) {
            assertThat(Redactor.redact(FAILING)).isEqualTo("[unredactable]");
            assertThat(Redactor.redact(FAILING)).isEqualTo("[unredactable]");

            assertThat(RedactionFailures.count() - failuresBefore).isEqualTo(2);
            assertThat(logs.events()).hasSize(2).allSatisfy(event -> {
                assertThat(event.getFormattedMessage()).contains("[unredactable]").doesNotContain("hunter2");
                assertThat(event.getThrowableProxy().getMessage()).isEqualTo(StringIndexOutOfBoundsException.class.getName());
                assertThat(event.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
            });
            // One WARN in this JVM, for the first failure (no other test makes the redactor fail), then DEBUG.
            assertThat(failuresBefore).isZero();
            assertThat(logs.events().stream().map(ILoggingEvent::getLevel)).containsExactly(Level.WARN, Level.DEBUG);
        } finally {
            logger.setLevel(before);
        }
    }
}
