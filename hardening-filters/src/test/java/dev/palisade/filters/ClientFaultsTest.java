package dev.palisade.filters;

import static dev.palisade.filters.testing.SyntheticFrames.withFrames;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * What the error path asks of any exception an application throws: the client-fault checks run on
 * every failure, on every container, and must answer for exceptions whose accessors misbehave.
 */
class ClientFaultsTest {
    /** An exception whose getStackTrace() is overridden to give a null frame (setStackTrace refuses one). */
    static final class NullFrames extends IOException {
        private static final long serialVersionUID = 1L;

        @Override
        public StackTraceElement[] getStackTrace() {
            return new StackTraceElement[] {null};
        }
    }

    /** Frames that look like Undertow's read path, then a null one. */
    static final class UndertowFramesThenNull extends IOException {
        private static final long serialVersionUID = 1L;

        UndertowFramesThenNull() {
            super("UT000128: Remote peer closed connection before all data could be read");
        }

        @Override
        public StackTraceElement[] getStackTrace() {
            return new StackTraceElement[] {
                new StackTraceElement("io.undertow.conduits.FixedLengthStreamSourceConduit", "read", null, 1), null};
        }
    }

    @Test
    void anExceptionWithANullFrameIsNoClientFault() {
        for (Throwable odd : new Throwable[] {new NullFrames(), new UndertowFramesThenNull()}) {
            assertThat(ClientFaults.status(new IllegalStateException("app", odd))).isZero();
            assertThat(ClientFaults.status(odd)).isZero();
        }
    }

    private static IOException thrownAt(String message, String... frames) {
        return withFrames(new IOException(message), frames);
    }

    /** Undertow's: a socket's error on the body's read is the client's; a file channel's, under a multipart parse, the server's. */
    @Test
    void undertowsSocketErrorOnARead400ButAFileChannelsIsTheServers() {
        IOException socket = thrownAt("Connection reset by peer", "sun.nio.ch.SocketDispatcher", "sun.nio.ch.SocketChannelImpl",
                "org.xnio.nio.NioSocketConduit", "io.undertow.servlet.spec.ServletInputStreamImpl", "com.example.App");
        IOException disk = thrownAt("No space left on device", "sun.nio.ch.FileDispatcherImpl", "sun.nio.ch.FileChannelImpl",
                "io.undertow.server.handlers.form.MultiPartParserDefinition$MultiPartUploadHandler",
                "io.undertow.servlet.spec.HttpServletRequestImpl", "com.example.App");

        assertThat(ClientFaults.status(socket)).isEqualTo(400);
        assertThat(ClientFaults.status(disk)).isZero();
    }


    /**
     * Payara's: Grizzly's end of stream on the servlet input path is the client's broken body; the
     * same exception from an application's own stream, or Grizzly's from a backend connection's read
     * (no servlet input on the way), is the server's failure.
     */
    @Test
    void grizzlysEndOfStreamOnTheServletInput400ButNotElsewhere() {
        java.io.EOFException cut = withFrames(new java.io.EOFException(),
                "org.glassfish.grizzly.nio.transport.TCPNIOTransport", "org.glassfish.grizzly.http.io.InputBuffer",
                "org.apache.catalina.connector.InputBuffer", "org.apache.catalina.connector.CoyoteInputStream",
                "com.example.App");
        java.io.EOFException applications = withFrames(new java.io.EOFException(), "java.io.DataInputStream",
                "com.example.App", "org.apache.catalina.connector.InputBuffer");
        java.io.EOFException backends = withFrames(new java.io.EOFException(),
                "org.glassfish.grizzly.nio.transport.TCPNIOTransport", "org.glassfish.grizzly.http.HttpClientFilter",
                "com.example.App");

        assertThat(ClientFaults.status(cut)).isEqualTo(400);
        assertThat(ClientFaults.status(new java.io.UncheckedIOException(cut))).isEqualTo(400);
        assertThat(ClientFaults.status(applications)).isZero();
        assertThat(ClientFaults.status(backends)).isZero();
    }

    /** Payara's write failures for a client gone: Grizzly's queued write failed on close, or its closed-connection check. */
    @Test
    void grizzlysWriteFailuresAreAClientGoneButAFilesIsNot() {
        IOException queued = thrownAt("Connection closed", "org.glassfish.grizzly.asyncqueue.TaskQueue",
                "org.glassfish.grizzly.nio.AbstractNIOAsyncQueueWriter", "org.glassfish.grizzly.nio.NIOConnection");
        queued.initCause(thrownAt("Connection reset by peer", "sun.nio.ch.FileDispatcherImpl", "sun.nio.ch.SocketDispatcher",
                "sun.nio.ch.SocketChannelImpl", "org.glassfish.grizzly.nio.transport.TCPNIOUtils"));
        IOException closed = thrownAt("Connection is closed", "org.glassfish.grizzly.nio.NIOConnection",
                "org.glassfish.grizzly.http.io.OutputBuffer", "org.apache.catalina.connector.OutputBuffer",
                "com.example.App");
        IOException disk = thrownAt("No space left on device", "sun.nio.ch.FileDispatcherImpl", "sun.nio.ch.FileChannelImpl",
                "org.glassfish.grizzly.http.io.OutputBuffer", "com.example.App");
        IOException applications = thrownAt("Connection closed", "com.example.Backend",
                "org.glassfish.grizzly.asyncqueue.TaskQueue");

        assertThat(GlassFishFaults.isClientGone(queued)).isTrue();
        assertThat(GlassFishFaults.isClientGone(closed)).isTrue();
        assertThat(GlassFishFaults.isClientGone(disk)).isFalse();
        assertThat(GlassFishFaults.isClientGone(applications)).isFalse();
        assertThat(GlassFishFaults.isClientGone(new NullFrames())).isFalse();
    }

    /**
     * A task's failure on a cycle the container ended for a departed client: a failed read or
     * write, or the container's refusal of the cycle, came of the departure; the application's own
     * exception did not.
     */
    @Test
    void aTasksFailureComesOfTheDepartureOnlyAsAFailedIoOrTheContainersRefusal() {
        assertThat(ClientFaults.mayComeOfDeparture(new IllegalStateException("could not read",
                new IOException("Stream reset")))).isTrue();
        assertThat(ClientFaults.mayComeOfDeparture(new java.io.UncheckedIOException(new IOException("reset")))).isTrue();
        assertThat(ClientFaults.mayComeOfDeparture(withFrames(new IllegalStateException("The request object has been recycled"),
                "org.apache.catalina.connector.RequestFacade", "org.example.Task"))).isTrue();
        assertThat(ClientFaults.mayComeOfDeparture(withFrames(new IllegalStateException("Calling [asyncComplete()] is not valid"),
                "org.apache.coyote.AsyncStateMachine", "org.apache.coyote.AbstractProcessor"))).isTrue();
        assertThat(ClientFaults.mayComeOfDeparture(withFrames(new IllegalStateException("refused"),
                "org.eclipse.jetty.ee10.servlet.ServletChannelState"))).isTrue();
        assertThat(ClientFaults.mayComeOfDeparture(withFrames(new NullPointerException("this.ib is null"),
                "org.apache.catalina.connector.CoyoteInputStream", "org.example.Task"))).isTrue();

        assertThat(ClientFaults.mayComeOfDeparture(withFrames(new NullPointerException(), "org.example.Task",
                "org.apache.catalina.core.AsyncContextImpl$RunnableWrapper"))).isFalse();
        assertThat(ClientFaults.mayComeOfDeparture(withFrames(new IllegalArgumentException("bad", new NullPointerException()),
                "org.example.Task"))).isFalse();
        // Raised in a container's utilities, not its servlet layer: the application's mistake.
        assertThat(ClientFaults.mayComeOfDeparture(withFrames(new NullPointerException(),
                "org.eclipse.jetty.util.BufferUtil", "org.example.Task"))).isFalse();
        assertThat(ClientFaults.mayComeOfDeparture(withFrames(new IllegalArgumentException("bad header"),
                "org.apache.tomcat.util.http.MimeHeaders", "org.example.Task"))).isFalse();
        // The JDK's frames are passed over to the first of the application's.
        assertThat(ClientFaults.mayComeOfDeparture(withFrames(new IllegalStateException("empty"),
                "java.util.Optional", "org.example.Task"))).isFalse();
    }
}
