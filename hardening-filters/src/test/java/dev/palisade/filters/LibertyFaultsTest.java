package dev.palisade.filters;

import static dev.palisade.filters.testing.SyntheticFrames.withFrames;
import static org.assertj.core.api.Assertions.assertThat;

import com.ibm.ws.webcontainer.webapp.WebAppErrorReport;
import jakarta.servlet.ServletException;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import org.apache.commons.fileupload.MultipartStream;
import org.junit.jupiter.api.Test;

/**
 * Open Liberty's exceptions, told apart by class name, message id and where they were raised: the
 * same JDK types or message ids raised elsewhere (an application's code, a backend, a disk) are the
 * server's failures. LibertyTest meets the real ones; these are the look-alikes it cannot make.
 */
class LibertyFaultsTest {
    private static final String TCP = "com.ibm.ws.tcpchannel.internal.WorkQueueManager";
    private static final String INPUT = "com.ibm.ws.http.channel.internal.inbound.HttpInputStreamImpl";
    private static final String OUTPUT = "com.ibm.ws.http.channel.internal.outbound.HttpOutputStreamImpl";
    private static final String REQUEST = "com.ibm.ws.webcontainer.srt.SRTServletRequest";

    /** A body cut short: the TCP channel's end of stream on the request body's read is the client's; an application's EOF is not. */
    @Test
    void anEndOfStreamOnTheBodysReadIsTheClients() {
        EOFException cut = withFrames(new EOFException("Connection closed: Read failed."), TCP, INPUT, "com.example.App");
        EOFException own = withFrames(new EOFException("truncated file"), "com.example.Reader", "com.example.App");
        EOFException backend = withFrames(new EOFException("Connection closed"), TCP, "com.example.Client");

        assertThat(ClientFaults.status(cut)).isEqualTo(400);
        assertThat(ClientFaults.status(new ServletException(cut))).isEqualTo(400);
        assertThat(ClientFaults.status(own)).isZero();
        assertThat(ClientFaults.status(backend)).isZero();
    }

    /** A client stalled mid-body: the TCP channel's timeout, raised on its selector thread, is the client's; a backend's socket timeout is not. */
    @Test
    void theTcpChannelsReadTimeoutIsTheClients() {
        SocketTimeoutException stalled = withFrames(new SocketTimeoutException("Socket operation timed out"),
                "com.ibm.ws.tcpchannel.internal.SocketRWChannelSelector", "com.ibm.ws.tcpchannel.internal.ChannelSelector");
        SocketTimeoutException backend = withFrames(new SocketTimeoutException("Read timed out"), "sun.nio.ch.NioSocketImpl",
                "java.net.Socket$SocketInputStream", "com.example.Client");

        assertThat(ClientFaults.status(new UncheckedIOException(stalled))).isEqualTo(400);
        assertThat(ClientFaults.status(backend)).isZero();
    }

    /** A client gone mid-download: the socket's error on the response body's write; the same error on a backend's socket is the server's. */
    @Test
    void aSocketsErrorOnTheResponsesWriteIsAClientGone() {
        IOException gone = withFrames(new IOException("Connection reset by peer"), "sun.nio.ch.FileDispatcherImpl",
                "sun.nio.ch.SocketChannelImpl", "com.ibm.ws.tcpchannel.internal.NioSocketIOChannel", OUTPUT, "com.example.App");
        IOException backend = withFrames(new IOException("Connection reset by peer"), "sun.nio.ch.FileDispatcherImpl",
                "sun.nio.ch.SocketChannelImpl", "com.example.Client");
        IOException disk = withFrames(new IOException("No space left on device"), "sun.nio.ch.FileDispatcherImpl",
                "sun.nio.ch.FileChannelImpl", TCP, OUTPUT);

        assertThat(LibertyFaults.isClientGone(gone)).isTrue();
        assertThat(LibertyFaults.isClientGone(backend)).isFalse();
        assertThat(LibertyFaults.isClientGone(disk)).isFalse();
    }

    /** Multipart: the message id counts only when Liberty's request raised it; an upload's disk failure is the server's. */
    @Test
    void multipartMessageIdsCountOnlyFromLibertysRequest() {
        IllegalStateException tooLarge = withFrames(new IllegalStateException("SRVE8021E: The file being uploaded is too large."),
                REQUEST, "com.example.App");
        IllegalStateException quoted = withFrames(new IllegalStateException("SRVE8021E: The file being uploaded is too large."),
                "com.example.App");
        IOException malformed = withFrames(new IOException("SRVE8023E: There was an exception uploading the file.",
                new IOException("Stream ended unexpectedly", new MultipartStream.MalformedStreamException("Stream ended unexpectedly"))), REQUEST, "com.example.App");
        IOException diskFull = withFrames(new IOException("SRVE8023E: There was an exception uploading the file.",
                new IOException("No space left on device")), REQUEST, "com.example.App");
        ServletException notMultipart = withFrames(new ServletException(
                "SRVE8024E: The request is not of type multipart/form-data."), REQUEST, "com.example.App");

        assertThat(ClientFaults.status(tooLarge)).isEqualTo(413);
        assertThat(ClientFaults.status(quoted)).isZero();
        assertThat(ClientFaults.status(malformed)).isEqualTo(400);
        assertThat(ClientFaults.status(diskFull)).isZero();
        assertThat(ClientFaults.status(notMultipart)).isEqualTo(415);
    }

    /** A broken escape: the bare IllegalArgumentException of Liberty's parameter parser is the client's; an application's is not. */
    @Test
    void theParameterParsersIllegalArgumentIsTheClients() {
        String parser = "com.ibm.wsspi.webcontainer.util.RequestUtils$StringQueryString";
        IllegalArgumentException escape = withFrames(new IllegalArgumentException(), parser,
                "com.ibm.wsspi.webcontainer.util.RequestUtils", REQUEST, "com.example.App");
        IllegalArgumentException own = withFrames(new IllegalArgumentException("bad id"), "com.example.App", REQUEST);
        IllegalArgumentException lookalike = withFrames(new IllegalArgumentException(),
                "com.ibm.wsspi.webcontainer.util.RequestUtilsExtra", "com.example.App");
        IllegalStateException otherType = withFrames(new IllegalStateException(), parser, "com.example.App");

        assertThat(ClientFaults.status(escape)).isEqualTo(400);
        assertThat(ClientFaults.status(new WebAppErrorReport(escape))).isEqualTo(400);
        assertThat(ClientFaults.status(own)).isZero();
        assertThat(ClientFaults.status(lookalike)).isZero();
        assertThat(ClientFaults.status(otherType)).isZero();
    }

    /** Liberty's wrapper of a servlet's exception is looked through; other ServletExceptions are not. */
    @Test
    void libertysErrorReportIsLookedThrough() {
        IllegalStateException thrown = new IllegalStateException("app");

        assertThat(LibertyFaults.unwrapped(new WebAppErrorReport(thrown))).isSameAs(thrown);
        ServletException other = new ServletException(thrown);
        assertThat(LibertyFaults.unwrapped(other)).isSameAs(other);
    }
}
