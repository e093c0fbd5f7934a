package dev.palisade.filters;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;

/**
 * A request body stream that counts bytes as they pass and fails with
 * {@link RequestTooLargeException} the moment the count exceeds the limit — on blocking reads and on
 * non-blocking ({@link ReadListener}) reads alike. Bytes within the limit cost one subtraction per
 * {@code read} call; {@code readAllBytes}, {@code readNBytes} and {@code transferTo} go through the
 * bulk {@link #read(byte[], int, int)}, never byte by byte.
 *
 * <p>Public so that benchmarks can measure it against a bare stream; applications get it through
 * {@link RequestSizeLimitFilter}.
 */
public final class CountingInputStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long limit;
    private final Runnable onFirstOverflow;
    /** Bytes still allowed; negative once the limit is passed. */
    private long remaining;
    private volatile boolean exceeded;
    /** What {@link #available()} threw: reads fail with it (see there). */
    private volatile IOException availableFailure;

    /** Counts {@code in} against {@code limit} bytes. */
    public CountingInputStream(ServletInputStream in, long limit) {
        this(in, limit, () -> { });
    }

    /**
     * @param onFirstOverflow run once, on the reading thread, when the limit is first passed and
     *     before the read throws — the filter answers 413 there for asynchronous requests
     */
    CountingInputStream(ServletInputStream in, long limit, Runnable onFirstOverflow) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
        this.in = in;
        this.limit = limit;
        this.remaining = limit;
        this.onFirstOverflow = onFirstOverflow;
    }

    @Override
    public int read() throws IOException {
        if (remaining < 0 || availableFailure != null) {
            throwUnreadable();
        }
        int b = in.read();
        if (b >= 0 && --remaining < 0) {
            overflow();
        }
        return b;
    }

    @Override
    public int read(byte[] b) throws IOException {
        return read(b, 0, b.length);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining < 0 || availableFailure != null) {
            throwUnreadable();
        }
        int n = in.read(b, off, len);
        if (n > 0 && (remaining -= n) < 0) {
            overflow();
        }
        return n;
    }

    @Override
    public int readLine(byte[] b, int off, int len) throws IOException {
        if (remaining < 0 || availableFailure != null) {
            throwUnreadable();
        }
        int n = in.readLine(b, off, len);
        if (n > 0 && (remaining -= n) < 0) {
            overflow();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (remaining < 0 || availableFailure != null) {
            throwUnreadable();
        }
        // Skipped bytes are still body bytes the client sent.
        long skipped = in.skip(n);
        if (skipped > 0 && (remaining -= skipped) < 0) {
            overflow();
        }
        return skipped;
    }

    private void throwUnreadable() throws IOException {
        IOException failure = availableFailure;
        if (failure != null) {
            // A new one each time: the same instance thrown twice (a read, then a close that
            // drains) would make try-with-resources suppress it into itself, which the JDK refuses.
            throw new IOException(failure.getMessage(), failure);
        }
        throw new RequestTooLargeException(limit);
    }

    private void overflow() throws RequestTooLargeException {
        if (!exceeded) {
            exceeded = true;
            onFirstOverflow.run();
        }
        throw new RequestTooLargeException(limit);
    }

    /** Bytes read so far (more than the limit only by the last read that passed it). */
    public long count() {
        return limit - remaining;
    }

    /** The limit in bytes. */
    public long limit() {
        return limit;
    }

    /** Whether the body passed the limit. */
    public boolean exceeded() {
        return exceeded;
    }

    /**
     * A failure here is kept, and every later read fails with it: the JDK's {@code InputStreamReader}
     * (a {@code getReader()}) asks {@code available()} and ignores what it throws, and Undertow 2.3,
     * once its {@code available()} has failed on a body cut short, hands the next read a pooled
     * buffer with another request's bytes in it.
     */
    @Override
    public int available() throws IOException {
        try {
            return in.available();
        } catch (IOException e) {
            availableFailure = e;
            throw e;
        }
    }

    @Override
    public boolean isFinished() {
        return in.isFinished();
    }

    @Override
    public boolean isReady() {
        return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
        in.setReadListener(new Listener(listener));
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * Keeps the application's listener, but once the limit is passed an exception escaping
     * {@code onDataAvailable} is not handed back to the container: the filter has already answered
     * 413 and completed the request, and the container's error handling would only turn that into
     * a 500 for a request that is over.
     */
    private final class Listener implements ReadListener {
        private final ReadListener app;

        Listener(ReadListener app) {
            this.app = app;
        }

        @Override
        public void onDataAvailable() throws IOException {
            try {
                app.onDataAvailable();
            } catch (IOException | RuntimeException e) {
                if (!exceeded) {
                    throw e;
                }
            }
        }

        @Override
        public void onAllDataRead() throws IOException {
            app.onAllDataRead();
        }

        @Override
        public void onError(Throwable t) {
            app.onError(t);
        }
    }
}
