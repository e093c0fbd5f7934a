package dev.palisade.filters;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link Redactor} logs instead of a text it failed on: a placeholder without any of the text,
 * so that a fault in the redactor can neither put a secret in the log nor fail the request whose
 * line it was writing (the access log runs before the rate limiter: a request that made it throw
 * was an unthrottled 500). The first failure is a WARN with the failure's stack, without its
 * message, which may quote the text; the rest are DEBUG lines, and counted.
 */
final class RedactionFailures {
    /** Logged in place of the text: one token, so that it cannot split an access-log line's fields. */
    static final String PLACEHOLDER = "[unredactable]";
    private static final Logger LOG = LoggerFactory.getLogger(Redactor.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final LongAdder COUNT = new LongAdder();

    private RedactionFailures() {
    }

    static String placeholderFor(RuntimeException failure) {
        COUNT.increment();
        Throwable withoutText = new IllegalStateException(failure.getClass().getName());
        withoutText.setStackTrace(failure.getStackTrace());
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("The redactor failed on a text, logged as {} instead; please report this fault in Palisade "
                    + "with this stack trace (later failures are logged at DEBUG)", PLACEHOLDER, withoutText);
        } else {
            LOG.debug("The redactor failed on a text, logged as {} instead", PLACEHOLDER, withoutText);
        }
        return PLACEHOLDER;
    }

    /** Failures since start. */
    static long count() {
        return COUNT.sum();
    }
}
