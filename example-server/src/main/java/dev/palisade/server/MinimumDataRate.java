package dev.palisade.server;

import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Holds every read of a request's content to {@link HttpConfiguration#getMinRequestDataRate()}, not
 * only the servlet input stream's. Jetty 12.1 checks the rate in the ee10 {@code HttpInput} alone,
 * but its own {@code getParts()} (and form parsing) reads the core request directly, past that
 * check: a multipart upload trickling a byte every 14 s was held open for as long as the client
 * liked, since each byte resets the idle timeout. Reads through {@code HttpInput} are checked by
 * both, with the same rate, so nothing passes there that passed before.
 *
 * <p>As Jetty's own check: the clock starts at the first content byte, and the check runs on each
 * read, so a client is caught on the first read after it falls behind (at the latest when the idle
 * timeout ends a read that waits for nothing).
 */
final class MinimumDataRate implements HttpConfiguration.Customizer {
    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        long bytesPerSecond = request.getConnectionMetaData().getHttpConfiguration().getMinRequestDataRate();
        return bytesPerSecond > 0 && mayHaveContent(request) ? new Checked(request, bytesPerSecond) : request;
    }

    /** Over HTTP/1.1 a request without a length or a transfer coding has no content: no wrapper for a GET. */
    private static boolean mayHaveContent(Request request) {
        HttpFields headers = request.getHeaders();
        return request.getLength() > 0 || headers.contains(HttpHeader.TRANSFER_ENCODING);
    }

    private static final class Checked extends Request.Wrapper {
        private final long bytesPerSecond;
        private long firstByteNanos;
        private long bytes;
        /** Once failed, every later read gets the same failure, as from any failed content source. */
        private Content.Chunk failure;

        Checked(Request request, long bytesPerSecond) {
            super(request);
            this.bytesPerSecond = bytesPerSecond;
        }

        @Override
        public synchronized Content.Chunk read() {
            if (failure != null) {
                return failure;
            }
            Content.Chunk chunk = super.read();
            if (chunk != null && Content.Chunk.isFailure(chunk)) {
                return chunk;
            }
            if (chunk != null && chunk.isLast()) {
                // The whole body is here: however long it took, there is nothing left to wait for.
                return chunk;
            }
            long now = System.nanoTime();
            if (chunk != null && chunk.hasRemaining()) {
                if (bytes == 0) {
                    firstByteNanos = now;
                }
                bytes += chunk.remaining();
            }
            if (bytes > 0 && bytes < bytesPerSecond * ((now - firstByteNanos) / 1_000_000) / 1_000) {
                if (chunk != null) {
                    chunk.release();
                }
                // The TimeoutException cause tells code above the container (the upload servlet sees
                // only Jetty's ServletException around it) that the client was too slow.
                failure = Content.Chunk.from(new HttpException.RuntimeException(HttpStatus.REQUEST_TIMEOUT_408,
                        "Request content data rate < " + bytesPerSecond + " B/s",
                        new TimeoutException("request content slower than " + bytesPerSecond + " B/s")), true);
                return failure;
            }
            return chunk;
        }
    }
}
