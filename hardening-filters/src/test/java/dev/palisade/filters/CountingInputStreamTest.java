package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CountingInputStreamTest {
    /** A bare ServletInputStream over bytes. */
    static ServletInputStream bytes(int n) {
        return bytes(new byte[n]);
    }

    /** A bare ServletInputStream over {@code content}. */
    static ServletInputStream bytes(byte[] content) {
        return new BytesStream(content);
    }

    private static class BytesStream extends ServletInputStream {
        private final ByteArrayInputStream in;

        BytesStream(byte[] content) {
            in = new ByteArrayInputStream(content);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        @Override
        public long skip(long k) {
            return in.skip(k);
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aBodyExactlyAtTheLimitPasses() throws IOException {
        CountingInputStream in = new CountingInputStream(bytes(100), 100);

        assertThat(in.readAllBytes()).hasSize(100);
        assertThat(in.count()).isEqualTo(100);
        assertThat(in.exceeded()).isFalse();
    }

    @Test
    void everyWayOfReadingFailsOneBytePastTheLimit() {
        AtomicInteger overflows = new AtomicInteger();
        CountingInputStream all = new CountingInputStream(bytes(101), 100, overflows::incrementAndGet);
        assertThatThrownBy(all::readAllBytes).isInstanceOf(RequestTooLargeException.class);
        assertThatThrownBy(all::read).isInstanceOf(RequestTooLargeException.class);
        assertThat(all.exceeded()).isTrue();
        assertThat(overflows).hasValue(1);

        assertThatThrownBy(() -> new CountingInputStream(bytes(101), 100).transferTo(OutputStream.nullOutputStream()))
                .isInstanceOf(RequestTooLargeException.class);
        assertThatThrownBy(() -> new CountingInputStream(bytes(101), 100).skip(101))
                .isInstanceOf(RequestTooLargeException.class);
        CountingInputStream single = new CountingInputStream(bytes(101), 100);
        assertThatThrownBy(() -> {
            while (single.read() >= 0) {
                continue;
            }
        }).isInstanceOf(RequestTooLargeException.class);
        assertThat(single.count()).isEqualTo(101);
    }

    @Test
    void aZeroLimitAllowsOnlyAnEmptyBody() throws IOException {
        assertThat(new CountingInputStream(bytes(0), 0).read()).isEqualTo(-1);
        assertThatThrownBy(() -> new CountingInputStream(bytes(1), 0).read())
                .isInstanceOf(RequestTooLargeException.class);
    }

    /** Undertow 2.3 on a body cut short: available() fails, reads would go on. */
    private static ServletInputStream failingAvailable() {
        return new BytesStream(new byte[1000]) {
            @Override
            public int available() throws IOException {
                throw new IOException("UT000128: Remote peer closed connection before all data could be read");
            }
        };
    }

    /**
     * After {@code available()} failed every read fails too, each with a new exception: one
     * instance thrown by a read and again by a close that drains (try-with-resources) would be
     * suppressed into itself, which the JDK refuses with an IllegalArgumentException.
     */
    @Test
    void afterAvailableFailedEveryReadFailsWithANewException() throws IOException {
        CountingInputStream in = new CountingInputStream(failingAvailable(), 1000);
        catchThrowable(in::available);

        Throwable failure = catchThrowable(() -> {
            try (InputStream item = new FilterInputStream(in) {
                @Override
                public void close() throws IOException {
                    while (read() != -1) {
                        // drain
                    }
                }
            }) {
                item.read();
            }
        });
        assertThat(failure).isInstanceOf(IOException.class).hasMessageContaining("UT000128");
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }
}
