package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Edges of the counting stream that mutation testing (PIT) found untested: skipping and
 * {@code readLine} up to and past the limit (an application may discard a body with skip, or read
 * a text body line by line through the ServletInputStream API).
 */
class CountingInputStreamEdgesTest {

    /** Kills: skip's "(remaining -= skipped) < 0" as "<= 0" (a body skipped to exactly the limit refused). */
    @Test
    void skippingExactlyToTheLimitPassesAndOneMoreFails() throws IOException {
        CountingInputStream in = new CountingInputStream(CountingInputStreamTest.bytes(101), 100);

        assertThat(in.skip(100)).isEqualTo(100);
        assertThat(in.exceeded()).isFalse();
        assertThat(in.count()).isEqualTo(100);
        assertThatThrownBy(() -> in.skip(1)).isInstanceOf(RequestTooLargeException.class);
        assertThat(in.exceeded()).isTrue();
    }

    /** Kills: skip's overflow() call removed (the skip past the limit went through, the hook never ran). */
    @Test
    void skippingPastTheLimitRunsTheOverflowHookOnce() {
        AtomicInteger overflows = new AtomicInteger();
        CountingInputStream in = new CountingInputStream(CountingInputStreamTest.bytes(300), 100,
                overflows::incrementAndGet);

        assertThatThrownBy(() -> in.skip(200)).isInstanceOf(RequestTooLargeException.class);
        assertThatThrownBy(() -> in.skip(50)).isInstanceOf(RequestTooLargeException.class);
        assertThat(overflows).hasValue(1);
        assertThat(in.count()).as("nothing more skipped once over").isEqualTo(200);
    }

    /**
     * readLine counts each line: a text body within the limit reads whole; the line that passes the
     * limit fails at once (not only the read after it), with the overflow hook run, which answers
     * an asynchronous request. Kills the survivors and uncovered mutants in readLine.
     */
    @Test
    void readLineCountsAndFailsOnTheLineThatPassesTheLimit() throws IOException {
        byte[] text = "0123456789\n0123456789\n0123456789\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        CountingInputStream within = new CountingInputStream(CountingInputStreamTest.bytes(text), text.length);
        byte[] buf = new byte[64];
        int total = 0;
        for (int n; (n = within.readLine(buf, 0, buf.length)) > 0; ) {
            total += n;
        }
        assertThat(total).isEqualTo(text.length);
        assertThat(within.exceeded()).isFalse();

        AtomicInteger overflows = new AtomicInteger();
        CountingInputStream over = new CountingInputStream(CountingInputStreamTest.bytes(text), 15, overflows::incrementAndGet);
        assertThat(over.readLine(buf, 0, buf.length)).isEqualTo(11);
        assertThatThrownBy(() -> over.readLine(buf, 0, buf.length)).isInstanceOf(RequestTooLargeException.class);
        assertThat(over.exceeded()).isTrue();
        assertThat(overflows).hasValue(1);
        assertThatThrownBy(() -> over.readLine(buf, 0, buf.length)).isInstanceOf(RequestTooLargeException.class);
        assertThat(over.count()).isEqualTo(22);
    }
}
