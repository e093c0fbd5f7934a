package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactedThrowableTest {
    @Test
    void aThrowableWithNothingToMaskIsLoggedAsItIs() {
        IllegalStateException plain = new IllegalStateException("boom", new RuntimeException("root cause"));

        assertThat(RedactedThrowable.loggable(plain)).isSameAs(plain);
        assertThat(RedactedThrowable.loggable(null)).isNull();
    }

    /**
     * A message quoting the client (a parse error, a body excerpt) may carry a secret or a CR/LF that
     * would forge a log line when the stack trace is printed: every message in the chain is redacted.
     */
    @Test
    void everyMessageInTheChainIsRedactedAndTheStackTracesKept() {
        NumberFormatException cause = new NumberFormatException("For input string: \"1\r\n2026-12-03 INFO admin login\"");
        IllegalArgumentException failure = new IllegalArgumentException("bad body {\"password\":\"hunter2\"}", cause);
        failure.addSuppressed(new IllegalStateException("from j.doe@example.com"));

        Throwable logged = RedactedThrowable.loggable(failure);

        assertThat(logged).isNotSameAs(failure);
        assertThat(logged.getMessage()).isEqualTo(
                "java.lang.IllegalArgumentException: bad body {\"password\":\"***\"}");
        assertThat(logged.getStackTrace()).isEqualTo(failure.getStackTrace());
        assertThat(logged.getCause().getMessage()).isEqualTo(
                "java.lang.NumberFormatException: For input string: \"1\\r\\n2026-12-03 INFO admin login\"");
        assertThat(logged.getCause().getStackTrace()).isEqualTo(cause.getStackTrace());
        assertThat(logged.getSuppressed()).singleElement()
                .satisfies(s -> assertThat(s.getMessage()).isEqualTo("java.lang.IllegalStateException: from j***@example.com"));
    }

    /** A message as large as what a client sent (a form value quoted by a parse error) is cut, after redaction. */
    @Test
    void aHugeMessageIsCutAfterItsRedaction() {
        String value = "x".repeat(RedactedThrowable.MAX_MESSAGE_CHARS - 40) + " jane.doe@example.com " + "9".repeat(1 << 20);
        NumberFormatException failure = new NumberFormatException("For input string: \"" + value + "\"");

        Throwable logged = RedactedThrowable.loggable(failure);

        assertThat(logged.getMessage()).hasSizeLessThan(RedactedThrowable.MAX_MESSAGE_CHARS + 100)
                .contains("j***@example.com").doesNotContain("jane.doe")
                .endsWith(" more characters left out]");
        assertThat(logged.getStackTrace()).isEqualTo(failure.getStackTrace());
        IllegalStateException nothingToMask = new IllegalStateException("z".repeat(1 << 20));
        assertThat(RedactedThrowable.loggable(nothingToMask).getMessage())
                .hasSizeLessThan(RedactedThrowable.MAX_MESSAGE_CHARS + 100);
        RuntimeException hugeToString = new RuntimeException("short") {
            private static final long serialVersionUID = 1L;

            @Override
            public String toString() {
                return "custom: " + "q".repeat(1 << 20);
            }
        };
        assertThat(RedactedThrowable.loggable(hugeToString).getMessage())
                .hasSizeLessThan(RedactedThrowable.MAX_MESSAGE_CHARS + 100);
        String fits = "y".repeat(RedactedThrowable.MAX_MESSAGE_CHARS - "java.lang.IllegalStateException: ".length());
        IllegalStateException longButFitting = new IllegalStateException(fits);
        assertThat(RedactedThrowable.loggable(longButFitting)).isSameAs(longButFitting);
    }

    /** Thousands of suppressed throwables (one per failed item of a batch) are not one huge event. */
    @Test
    void onlyTheFirstSuppressedThrowablesAreKept() {
        IllegalStateException failure = new IllegalStateException("batch failed");
        for (int i = 0; i < 2_000; i++) {
            failure.addSuppressed(new IllegalArgumentException("item " + i));
        }

        Throwable logged = RedactedThrowable.loggable(failure);

        assertThat(logged.getSuppressed()).hasSize(RedactedThrowable.MAX_SUPPRESSED + 1);
        assertThat(logged.getSuppressed()[0].getMessage()).isEqualTo("java.lang.IllegalArgumentException: item 0");
        assertThat(logged.getSuppressed()[RedactedThrowable.MAX_SUPPRESSED].getMessage())
                .isEqualTo("[" + (2_000 - RedactedThrowable.MAX_SUPPRESSED) + " more suppressed throwables left out]");
        assertThat(logged.getSuppressed()[RedactedThrowable.MAX_SUPPRESSED].getStackTrace()).isEmpty();
    }

    /** A secret deeper than the copy goes is not logged through the original's whole chain. */
    @Test
    void aSecretDeeperThanTheCheckGoesIsNotLoggedFromTheOriginal() {
        Throwable chain = new IllegalArgumentException("bad login password=hunter2 for jane.doe@example.com");
        for (int i = 0; i < 70; i++) {
            chain = new IllegalStateException("wrapper " + i, chain);
        }

        Throwable loggable = RedactedThrowable.loggable(chain);

        assertThat(loggable).isNotSameAs(chain);
        StringBuilder all = new StringBuilder();
        for (Throwable t = loggable; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        assertThat(all.toString()).doesNotContain("hunter2").doesNotContain("jane.doe").contains("wrapper 69");
    }

    /**
     * It runs on the error path: a throwable whose getMessage() throws (a message built from a null
     * field) becomes a copy whose message cannot fail, or the backend, calling it again, would throw
     * out of the log call.
     */
    @Test
    void aMessageThatThrowsIsReplacedNotCalledAgain() {
        RuntimeException broken = new RuntimeException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
                throw new NullPointerException("order was null for jane@example.com");
            }
        };
        IllegalStateException wrapper = new IllegalStateException("wrapped", broken);

        Throwable logged = RedactedThrowable.loggable(broken);
        Throwable loggedWrapper = RedactedThrowable.loggable(wrapper);

        assertThat(logged).isNotSameAs(broken);
        assertThat(logged.getMessage()).isEqualTo(broken.getClass().getName() + " [getMessage() threw java.lang.NullPointerException]");
        assertThat(logged.getStackTrace()).isEqualTo(broken.getStackTrace());
        assertThat(loggedWrapper.getCause().getMessage()).doesNotContain("jane").contains("getMessage() threw");
        assertThat(broken.getSuppressed()).isEmpty();
    }

    /** A toString() of its own is what printStackTrace (java.util.logging, log4j) prints: checked too. */
    @Test
    void aToStringOfItsOwnIsRedactedAsTheMessageIs() {
        RuntimeException chatty = new RuntimeException("plain") {
            private static final long serialVersionUID = 1L;

            @Override
            public String toString() {
                return "Chatty: password=hunter2\nERROR forged";
            }
        };
        RuntimeException failingToString = new RuntimeException("plain") {
            private static final long serialVersionUID = 1L;

            @Override
            public String toString() {
                throw new IllegalStateException("no text");
            }
        };

        assertThat(RedactedThrowable.loggable(chatty).getMessage()).isEqualTo("Chatty: password=***\\nERROR forged");
        assertThat(RedactedThrowable.loggable(failingToString).getMessage()).endsWith(": plain");
    }

    /** Accessors of the chain that throw: the class alone, never a failure of the log call. */
    @Test
    void aChainThatCannotBeReadIsLoggedAsItsClass() {
        RuntimeException unreadable = new RuntimeException("plain") {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized Throwable getCause() {
                throw new IllegalStateException("no cause");
            }
        };

        Throwable logged = RedactedThrowable.loggable(unreadable);

        assertThat(logged.getMessage()).isEqualTo(unreadable.getClass().getName()
                + " [could not be read for logging: java.lang.IllegalStateException]");
        assertThat(logged.getCause()).isNull();
        assertThat(logged.getStackTrace()).isEmpty();
    }

    @Test
    void aChainThatLoopsBackIsCopiedOnce() {
        IllegalStateException first = new IllegalStateException("token=abc");
        IllegalStateException second = new IllegalStateException("second", first);
        first.initCause(second);
        first.addSuppressed(second);

        Throwable logged = RedactedThrowable.loggable(first);

        assertThat(logged.getMessage()).endsWith("token=***");
        assertThat(logged.getCause().getCause()).isSameAs(logged);
    }

    /** A secret only in a suppressed throwable (the top and its cause are clean) is masked all the same. */
    @Test
    void aSecretOnlyInASuppressedThrowableIsMasked() {
        IllegalStateException failure = new IllegalStateException("batch failed", new RuntimeException("root cause"));
        failure.addSuppressed(new IllegalArgumentException("item 1 ok"));
        failure.addSuppressed(new IllegalArgumentException("login password=hunter2\nINFO forged"));

        Throwable logged = RedactedThrowable.loggable(failure);

        assertThat(logged).isNotSameAs(failure);
        assertThat(logged.getSuppressed()).extracting(Throwable::getMessage).containsExactly(
                "java.lang.IllegalArgumentException: item 1 ok",
                "java.lang.IllegalArgumentException: login password=***\\nINFO forged");
    }

    /** The copy of a long chain stops 64 levels below the top, through causes and suppressed throwables alike. */
    @Test
    void theCopyOfALongChainIsBounded() {
        Throwable causes = new IllegalStateException("bottom");
        Throwable suppressed = new IllegalStateException("bottom");
        for (int i = 0; i < 200; i++) {
            causes = new IllegalStateException("wrapper " + i, causes);
            IllegalStateException next = new IllegalStateException("wrapper " + i);
            next.addSuppressed(suppressed);
            suppressed = next;
        }
        IllegalStateException top = new IllegalStateException("token=abc", causes);
        top.addSuppressed(suppressed);

        Throwable logged = RedactedThrowable.loggable(top);

        int viaCauses = 0;
        for (Throwable t = logged; t != null; t = t.getCause()) {
            viaCauses++;
        }
        int viaSuppressed = 1;
        for (Throwable t = logged.getSuppressed()[0]; t.getSuppressed().length > 0; t = t.getSuppressed()[0]) {
            viaSuppressed++;
        }
        assertThat(viaCauses).isEqualTo(65);
        assertThat(viaSuppressed).isEqualTo(64);
    }

    /** A cut never splits a surrogate pair (a lone half is what LogSafe escapes) and counts what it left out. */
    @Test
    void theCutKeepsSurrogatePairsWholeAndCountsTheRest() {
        IllegalStateException failure = new IllegalStateException(
                "x".repeat(RedactedThrowable.MAX_MESSAGE_CHARS - 1) + "\ud83d\ude00y");

        assertThat(RedactedThrowable.loggable(failure).getMessage()).isEqualTo("java.lang.IllegalStateException: "
                + "x".repeat(RedactedThrowable.MAX_MESSAGE_CHARS - 1) + " [3 more characters left out]");
    }
}
