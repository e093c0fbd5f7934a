package dev.palisade.benchmarks;

import dev.palisade.filters.CountingInputStream;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading a body through the size limit's counting stream against reading the raw stream, in the
 * 8 KiB reads servlet code and parsers make. Target: the counting stream at 97% or more of the
 * raw stream's throughput.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CountingStreamBenchmark {
    @Param({"1048576"})
    public int bodyBytes;

    byte[] body;
    final byte[] buffer = new byte[8192];
    /**
     * The container's stream: one heap object, rewound per operation, for both benchmarks. Made
     * afresh inside the benchmark method, the JIT scalar-replaced it in the baseline only (0 B/op
     * there, 24 B/op under the wrapper): its position lived in a register, which no container's
     * stream does, and the baseline read about 16% faster for that alone.
     */
    ArrayServletInputStream raw;

    @Setup(Level.Trial)
    public void setUp() {
        body = new byte[bodyBytes];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        raw = new ArrayServletInputStream(body);
    }

    @Benchmark
    public long baselineRawStream() throws IOException {
        raw.rewind();
        return drain(raw);
    }

    @Benchmark
    public long countingStream() throws IOException {
        raw.rewind();
        return drain(new CountingInputStream(raw, Long.MAX_VALUE));
    }

    private long drain(ServletInputStream in) throws IOException {
        long total = 0;
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            total += n;
        }
        return total;
    }

    /** A servlet stream over an array: what a container hands the filter, minus the network. */
    static final class ArrayServletInputStream extends ServletInputStream {
        private final byte[] data;
        private int pos;

        ArrayServletInputStream(byte[] data) {
            this.data = data;
        }

        void rewind() {
            pos = 0;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public boolean isFinished() {
            return pos >= data.length;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException("blocking reads only");
        }
    }
}
