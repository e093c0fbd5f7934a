package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CountingInputStreamTest {
    /** A bare ServletInputStream over bytes. */
    static ServletInputStream bytes(int n) {
        ByteArrayInputStream in = new ByteArrayInputStream(new byte[n]);
        return new ServletInputStream() {
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
        };
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
}
