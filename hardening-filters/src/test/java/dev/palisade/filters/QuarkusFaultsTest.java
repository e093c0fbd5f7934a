package dev.palisade.filters;

import static dev.palisade.filters.testing.SyntheticFrames.withFrames;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpClosedException;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * Quarkus's fork of Undertow on Vert.x ({@code quarkus-undertow}), whose exceptions for a client's
 * mistake or departure are Vert.x's and Netty's, wrapped in the fork's IOExceptions: told apart by
 * where the wrappers were raised (the Vert.x exchange's read, the servlet output stream's write).
 * The frames are those Quarkus 3.20.1 gave (checked by hand; no Quarkus in the suite); the
 * look-alikes are the same exceptions from an application's own code or Vert.x client.
 */
class QuarkusFaultsTest {
    private static final String EXCHANGE = "io.undertow.vertx.VertxHttpExchange";
    private static final String[] READ = {EXCHANGE, "io.undertow.server.HttpServerExchange",
        "io.undertow.servlet.spec.ServletInputStreamImpl", "io.undertow.servlet.spec.ServletInputStreamImpl",
        "java.io.InputStream", "com.example.App"};
    private static final String OUTPUT = "io.undertow.servlet.spec.ServletOutputStreamImpl";

    /** A body cut short (the client closed or half-closed): Vert.x's closed connection on the exchange's read is the client's. */
    @Test
    void aClosedConnectionOnTheExchangesReadIsTheClients() {
        IOException cut = readFailure(new HttpClosedException("Connection was closed"));

        assertThat(ClientFaults.status(cut)).isEqualTo(400);
        assertThat(ClientFaults.status(new ServletException(new UncheckedIOException(cut)))).isEqualTo(400);
    }

    /** A chunk size Netty cannot read, on the exchange's read, is the client's. */
    @Test
    void nettysChunkSizeFailureOnTheExchangesReadIsTheClients() {
        NumberFormatException badSize = withFrames(new NumberFormatException("Invalid character in chunk size"),
                "io.netty.handler.codec.http.HttpObjectDecoder", "io.netty.handler.codec.http.HttpObjectDecoder",
                "io.netty.handler.codec.ByteToMessageDecoder");

        assertThat(ClientFaults.status(readFailure(badSize))).isEqualTo(400);
    }

    /** An application's Vert.x client failing against a backend: the same exception, not on the exchange's read, is the server's. */
    @Test
    void anApplicationsVertxClientFailureIsTheServers() {
        IOException backend = withFrames(new IOException(new HttpClosedException("Connection was closed")),
                "io.vertx.core.http.impl.Http1xClientConnection", "com.example.BackendClient", "com.example.App");
        IOException wrappedByApp = withFrames(new IOException("backend failed",
                withFrames(new IOException(new HttpClosedException("Connection was closed")), "com.example.BackendClient")),
                "com.example.App");

        assertThat(ClientFaults.status(backend)).isZero();
        assertThat(ClientFaults.status(wrappedByApp)).isZero();
        assertThat(ClientFaults.status(new HttpClosedException("Connection was closed"))).isZero();
    }

    /** An application's own NumberFormatException, even inside a read failure's look-alike, is the server's. */
    @Test
    void anApplicationsNumberFormatExceptionIsTheServers() {
        NumberFormatException own = withFrames(new NumberFormatException("Invalid character in chunk size"),
                "java.lang.Integer", "com.example.Parser");

        assertThat(ClientFaults.status(own)).isZero();
        assertThat(ClientFaults.status(readFailure(own))).isZero();
        assertThat(ClientFaults.status(withFrames(new IOException(own), "com.example.App"))).isZero();
    }

    /** A client gone mid-download: the output stream's IOException around the exchange's UT000127 on its write. */
    @Test
    void theExchangesRefusalOfAWriteIsAClientGone() {
        IllegalStateException refused = withFrames(new IllegalStateException("UT000127: Response has already been sent"),
                "io.undertow.server.HttpServerExchange", OUTPUT, "com.example.App");
        IOException gone = withFrames(new IOException(refused), OUTPUT, "dev.palisade.filters.CountingResponse$CountingStream",
                "java.io.OutputStream", "com.example.App");

        assertThat(UndertowFaults.isClientGone(gone)).isTrue();
    }

    /** UT000127 raised elsewhere (an application's own, another stream's), or not wrapped by the output stream, is the server's. */
    @Test
    void ut000127RaisedElsewhereIsTheServers() {
        IllegalStateException byApp = withFrames(new IllegalStateException("UT000127: Response has already been sent"),
                "com.example.App");
        IllegalStateException otherMessage = withFrames(new IllegalStateException("UT010029: Stream is closed"),
                "io.undertow.server.HttpServerExchange", OUTPUT, "com.example.App");
        IllegalStateException notOnAWrite = withFrames(new IllegalStateException("UT000127: Response has already been sent"),
                "io.undertow.server.HttpServerExchange", "com.example.App");

        assertThat(UndertowFaults.isClientGone(withFrames(new IOException(byApp), OUTPUT, "com.example.App"))).isFalse();
        assertThat(UndertowFaults.isClientGone(withFrames(new IOException(otherMessage), OUTPUT, "com.example.App"))).isFalse();
        assertThat(UndertowFaults.isClientGone(withFrames(new IOException(notOnAWrite), OUTPUT, "com.example.App"))).isFalse();
        IllegalStateException refused = withFrames(new IllegalStateException("UT000127: Response has already been sent"),
                "io.undertow.server.HttpServerExchange", OUTPUT, "com.example.App");
        assertThat(UndertowFaults.isClientGone(withFrames(new IOException(refused), "com.example.App"))).isFalse();
    }

    /** The fork's read failure as Quarkus raised it: IOException(IOException(cause)), the inner one raised by the exchange's handler. */
    private static IOException readFailure(Throwable cause) {
        IOException recorded = withFrames(new IOException(cause), EXCHANGE + "$1", EXCHANGE + "$1",
                "io.vertx.core.impl.ContextInternal", "io.vertx.core.http.impl.Http1xServerRequest");
        return withFrames(new IOException(recorded), READ);
    }
}
