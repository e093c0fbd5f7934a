package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.palisade.filters.testing.LogCapture;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MarkerFactory;

class RedactingLoggerTest {
    private static final String NAME = "test.redacting";
    private static final Logger LOG = RedactingLogger.getLogger(NAME);

    @Test
    void redactsTheFormattedLineIncludingLabelsInThePattern() {
        try (LogCapture logs = LogCapture.of(NAME)) {
            LOG.info("Signup from {} with password={} and {}", "john.doe@example.com", "hunter2",
                    "Authorization: Bearer abc123");

            assertThat(logs.lines()).containsExactly(
                    "INFO Signup from j***@example.com with password=*** and Authorization: ***");
        }
    }

    /**
     * An argument whose toString() throws: SLF4J's formatter would print that exception, message
     * and all, unredacted, to System.err (where containers send it to their logs too).
     */
    @Test
    void anArgumentWhoseToStringThrowsPrintsNothingToStandardError() {
        Object broken = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("cannot render user jane.doe@example.com password=hunter2");
            }
        };
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try (LogCapture logs = LogCapture.of(NAME)) {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            Object brokenHard = new Object() {
                @Override
                public String toString() {
                    throw new AssertionError("invariant broken for password=hunter2");
                }
            };
            try {
                LOG.info("rendering {} and {}", broken, 42);
                LOG.info("users {} and {}", new Object[] {"a", broken, new int[] {1, 2}}, brokenHard);
            } finally {
                System.setErr(original);
            }

            assertThat(logs.lines()).containsExactly("INFO rendering [FAILED toString()] and 42",
                    "INFO users [a, [FAILED toString()], [1, 2]] and [FAILED toString()]");
            assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).isEmpty();
        }
    }

    @Test
    void escapesLineBreaksSoNoArgumentCanForgeALine() {
        try (LogCapture logs = LogCapture.of(NAME)) {
            LOG.warn("user {}", "bob\r\nINFO admin logged in");
            LOG.warn("plain message\nsecond");

            assertThat(logs.lines()).containsExactly("WARN user bob\\r\\nINFO admin logged in",
                    "WARN plain message\\nsecond");
        }
    }

    @Test
    void passesTheThrowableThroughAndKeepsTheCallerLocation() {
        try (LogCapture logs = LogCapture.of(NAME)) {
            IllegalStateException boom = new IllegalStateException("boom");
            LOG.error("failed for {}", "a@b.com", boom);
            LOG.error(MarkerFactory.getMarker("AUDIT"), "no args", boom);

            ILoggingEvent event = logs.events().get(0);
            assertThat(event.getFormattedMessage()).isEqualTo("failed for a***@b.com");
            assertThat(event.getThrowableProxy().getMessage()).isEqualTo("boom");
            assertThat(event.getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
            assertThat(logs.events().get(1).getMarkerList()).extracting(Object::toString).containsExactly("AUDIT");
            assertThat(logs.events().get(1).getThrowableProxy()).isNotNull();
        }
    }

    @Test
    void redactsAThrowablesMessages() {
        try (LogCapture logs = LogCapture.of(NAME)) {
            LOG.warn("rejected", new IllegalArgumentException("unknown user a@b.com\r\nINFO forged"));

            assertThat(logs.events().get(0).getThrowableProxy().getMessage())
                    .isEqualTo("java.lang.IllegalArgumentException: unknown user a***@b.com\\r\\nINFO forged");
        }
    }

    @Test
    void callerLocationNamesTheApplicationClassNotTheWrapper() {
        ch.qos.logback.classic.Logger target = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(NAME);
        List<StackTraceElement> callers = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                // Caller data is computed from the stack at append time, as a %line pattern would.
                callers.add(event.getCallerData()[0]);
            }
        };
        appender.setContext(target.getLoggerContext());
        appender.start();
        target.addAppender(appender);
        try {
            LOG.info("one {}", 1);
            LOG.info("two");
            LOG.warn("three {} {} {}", 1, 2, 3);
            LOG.atInfo().addKeyValue("k", "v").log("four {}", 4);
        } finally {
            target.detachAppender(appender);
        }
        assertThat(callers).extracting(StackTraceElement::getClassName)
                .containsOnly(RedactingLoggerTest.class.getName()).hasSize(4);
    }

    @Test
    void doesNotFormatTheRedactedTextTwice() {
        try (LogCapture logs = LogCapture.of(NAME)) {
            LOG.info("literal {}", "{} and {}");
            LOG.atInfo().addArgument("x@y.org").addKeyValue("password", "pw1").log("fluent {}");

            assertThat(logs.lines()).containsExactly("INFO literal {} and {}", "INFO fluent x***@y.org");
            assertThat(logs.events().get(1).getKeyValuePairs()).singleElement().hasToString("password=\"***\"");
        }
    }

    /**
     * The fluent API keeps its markers (an audit appender selects on them) and key-value pairs, and
     * a pair's value cannot take the message's arguments (found by review: SLF4J's fallback for a
     * logger that takes no events folded both into the text, and a "{}" in a value shifted the
     * arguments); the caller is the application's line.
     */
    @Test
    void theFluentApiKeepsMarkersAndPairsAndTheArgumentsInPlace() {
        try (LogCapture logs = LogCapture.of(NAME)) {
            LOG.atInfo().addMarker(MarkerFactory.getMarker("AUDIT")).addKeyValue("user", "{}")
                    .addKeyValue("contact", "jane@example.com\nINFO forged").addKeyValue("token", "s3cr3t-value")
                    .log("login {} from {}", "bob", "10.0.0.1");
            LOG.atWarn().setCause(new IllegalStateException("for a@b.com")).log("failed");

            ILoggingEvent event = logs.events().get(0);
            assertThat(event.getFormattedMessage()).isEqualTo("login bob from 10.0.0.1");
            assertThat(event.getMarkerList()).extracting(Object::toString).containsExactly("AUDIT");
            assertThat(event.getKeyValuePairs()).extracting(Object::toString)
                    .containsExactly("user=\"{}\"", "contact=\"j***@example.com\\nINFO forged\"", "token=\"***\"");
            assertThat(logs.events().get(1).getThrowableProxy().getMessage())
                    .isEqualTo("java.lang.IllegalStateException: for a***@b.com");
        }
    }

    /**
     * A pair's value is known whole: under a sensitive key all of it is masked (an unquoted value in
     * a line ends at its first space, which left a passphrase's other words); a number with nothing
     * to mask keeps its type (found by the review of the fluent API's fix).
     */
    @Test
    void aSensitivePairIsMaskedWholeAndANumberStaysANumber() {
        try (LogCapture logs = LogCapture.of(NAME)) {
            LOG.atInfo().addKeyValue("password", "correct horse battery staple").addKeyValue("token", "abc123&def456")
                    .addKeyValue("count", 5).addKeyValue("missing", (Object) null).log("saved");

            assertThat(logs.events().get(0).getKeyValuePairs()).extracting(p -> p.key + "=" + p.value)
                    .containsExactly("password=***", "token=***", "count=5", "missing=null");
            assertThat(logs.events().get(0).getKeyValuePairs().get(2).value).isEqualTo(5);
        }
    }

    /**
     * A backend that takes no events (a LocationAwareLogger only, as log4j's binding is): the pairs
     * as text, masked, every marker, and the application's line as the caller's boundary says.
     */
    @Test
    void aBackendThatTakesNoEventsGetsTheBoundaryAndEveryMarker() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Logger plain = new LocationAwareOnly(seen);
        org.slf4j.Marker audit = MarkerFactory.getDetachedMarker("AUDIT");
        audit.add(MarkerFactory.getMarker("CONFIDENTIAL"));
        org.slf4j.Marker security = MarkerFactory.getDetachedMarker("SECURITY");
        security.add(audit);
        RedactingLogger.wrap(plain).atWarn().addMarker(audit).addMarker(security).addKeyValue("password", "a b")
                .log("login {}", "jane@example.com");

        assertThat(seen).containsExactly("fqcn=org.slf4j.spi.DefaultLoggingEventBuilder markers=AUDIT, SECURITY "
                + "contains AUDIT, CONFIDENTIAL, SECURITY message=password=*** login j***@example.com");
    }

    /** The fluent API without markers (SLF4J then has none, not an empty list) on a backend that takes no events. */
    @Test
    void aBackendThatTakesNoEventsGetsAFluentCallWithoutMarkers() {
        List<String> seen = new CopyOnWriteArrayList<>();
        RedactingLogger.wrap(new LocationAwareOnly(seen)).atInfo().log("login {} password={}", "jane@example.com", "hunter2");

        assertThat(seen).containsExactly(
                "fqcn=org.slf4j.spi.DefaultLoggingEventBuilder markers=none message=login j***@example.com password=***");
    }

    /** A varargs call handed a null array logs its pattern, redacted: a log call never throws. */
    @Test
    void aNullArgumentArrayLogsThePatternRedacted() {
        try (LogCapture logs = LogCapture.of(NAME)) {
            LOG.info("plain {} password=hunter2", (Object[]) null);

            assertThat(logs.lines()).containsExactly("INFO plain {} password=***");
        }
    }

    /** A LocationAwareLogger that is not LoggingEventAware, recording what it is handed. */
    private static final class LocationAwareOnly extends org.slf4j.helpers.LegacyAbstractLogger
            implements org.slf4j.spi.LocationAwareLogger {
        private static final long serialVersionUID = 1L;
        private final transient List<String> seen;

        LocationAwareOnly(List<String> seen) {
            this.seen = seen;
            this.name = "location-aware-only";
        }

        @Override
        public void log(org.slf4j.Marker marker, String fqcn, int level, String message, Object[] argArray, Throwable t) {
            if (marker == null) {
                seen.add("fqcn=" + fqcn + " markers=none message=" + message);
                return;
            }
            List<String> contained = new java.util.ArrayList<>();
            for (String name : List.of("AUDIT", "CONFIDENTIAL", "SECURITY")) {
                if (marker.contains(name)) {
                    contained.add(name);
                }
            }
            seen.add("fqcn=" + fqcn + " markers=" + marker.getName() + " contains " + String.join(", ", contained)
                    + " message=" + message);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, org.slf4j.Marker marker, String message,
                Object[] arguments, Throwable throwable) {
            seen.add("normalized " + message);
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }

    /** Arrays that contain each other render each once on a path, as SLF4J renders them (was exponential). */
    @Test
    void arraysThatContainEachOtherRenderOnce() {
        Object[] a = new Object[5];
        Object[] b = new Object[5];
        java.util.Arrays.fill(a, b);
        java.util.Arrays.fill(b, a);
        try (LogCapture logs = LogCapture.of(NAME)) {
            LOG.info("{}", (Object) a);

            String inner = "[[...], [...], [...], [...], [...]]";
            assertThat(logs.events().get(0).getFormattedMessage())
                    .isEqualTo("[" + String.join(", ", java.util.Collections.nCopies(5, inner)) + "]");
        }
    }

    @Test
    void skipsDisabledLevelsAndDoesNotWrapTwice() {
        try (LogCapture logs = LogCapture.of(NAME)) {
            LOG.trace("hidden {}", "x");

            assertThat(logs.lines()).isEmpty();
            assertThat(LOG.isTraceEnabled()).isFalse();
            assertThat(LOG.isInfoEnabled()).isTrue();
            assertThat(RedactingLogger.wrap(LOG)).isSameAs(LOG);
            assertThat(LOG.getName()).isEqualTo(NAME);
        }
    }
}
