package dev.palisade.filters;

import jakarta.servlet.ServletException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;

/**
 * Open Liberty's exceptions for a client's mistake or departure. Like Undertow's and Grizzly's they
 * are mostly plain JDK types (the socket's own "Connection reset by peer", an {@code EOFException}
 * "Connection closed: Read failed" for a body cut short), told apart by where they were raised: by
 * Liberty's TCP channel ({@code com.ibm.ws.tcpchannel.internal}), directly or through the JDK's
 * socket code, on the HTTP channel's request body stream (a read) or response body stream (a
 * write). Its HTTP channel's word for a body framed wrongly (a bad chunk size) has a class of its
 * own. Its multipart errors are plain {@code IllegalStateException}s and {@code IOException}s
 * raised by its request class, told apart by their message id ({@code SRVE8021E}…), which stays
 * the same in every language; its parameter parser's, a bare {@code IllegalArgumentException} raised
 * by that parser. Recognised by name, so the filter jar needs no Liberty classes.
 *
 * <p>Liberty hands a filter a servlet's exception inside its own {@code ServletException},
 * {@code WebAppErrorReport}: {@link #unwrapped} looks through it, so that the kit meets what the
 * servlet threw, as on the other containers.
 */
final class LibertyFaults {
    /** The ServletException Liberty wraps a servlet's failure in before the filters see it. */
    private static final String ERROR_REPORT = "com.ibm.ws.webcontainer.webapp.WebAppErrorReport";
    private static final String TCP_CHANNEL = "com.ibm.ws.tcpchannel.internal.";
    /** The HTTP channel's request body stream, which every servlet read goes through. */
    private static final String HTTP_INPUT = "com.ibm.ws.http.channel.internal.inbound.HttpInputStreamImpl";
    /** The HTTP channel's response body stream, which every servlet write goes through. */
    private static final String HTTP_OUTPUT = "com.ibm.ws.http.channel.internal.outbound.HttpOutputStreamImpl";
    /** The HTTP channel's word for a body it cannot decode (a chunk size that is not hexadecimal). */
    private static final String ILLEGAL_BODY = "com.ibm.wsspi.http.channel.exception.IllegalHttpBodyException";
    /** The web container's request, whose multipart parsing raises the SRVE802xE exceptions. */
    private static final String SERVLET_REQUEST = "com.ibm.ws.webcontainer.srt.SRTServletRequest";
    /** A part over {@code @MultipartConfig} {@code maxFileSize}, a request over {@code maxRequestSize}. */
    private static final List<String> MULTIPART_TOO_LARGE = List.of("SRVE8021E", "SRVE8022E");
    /** The multipart parser's failure, the cause of it named below when the client's body is at fault. */
    private static final String MULTIPART_FAILED = "SRVE8023E";
    /** {@code getParts()} on a request that is not {@code multipart/form-data}. */
    private static final String NOT_MULTIPART = "SRVE8024E";
    /** Commons FileUpload's (which Liberty embeds) complaints about the body itself; a disk failure is neither. */
    private static final List<String> MALFORMED_MULTIPART = List.of(
            "org.apache.commons.fileupload.MultipartStream$MalformedStreamException",
            "org.apache.commons.fileupload.MultipartStream$IllegalBoundaryException");
    /**
     * The web container's parser of query strings and form bodies, which throws a bare
     * {@code IllegalArgumentException} for a {@code %} not followed by two hex digits.
     */
    private static final String PARAMETER_PARSER = "com.ibm.wsspi.webcontainer.util.RequestUtils";
    private static final int MAX_WRAPPERS = 4;

    private LibertyFaults() {
    }

    /** What {@code failure} wraps if it is Liberty's wrapper of a servlet's exception, else {@code failure}. */
    static Throwable unwrapped(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; depth < MAX_WRAPPERS && t != null && ERROR_REPORT.equals(t.getClass().getName()); depth++) {
            Throwable cause = ClientFaults.causeOf(t);
            if (cause == null) {
                return t;
            }
            t = cause;
        }
        return t;
    }

    /** Whether {@code t} itself is Liberty's word that a multipart body passed a limit of {@code @MultipartConfig}. */
    static boolean isTooLarge(Throwable t) {
        return t instanceof IllegalStateException && raisedByRequest(t, MULTIPART_TOO_LARGE);
    }

    /** Whether {@code t} itself is Liberty's multipart parser's word that the client's body is broken. */
    static boolean isMalformedMultipart(Throwable t) {
        if (!(t instanceof IOException) || !raisedByRequest(t, List.of(MULTIPART_FAILED))) {
            return false;
        }
        Throwable cause = ClientFaults.causeOf(t);
        for (int depth = 0; cause != null && depth < MAX_WRAPPERS; depth++, cause = ClientFaults.causeOf(cause)) {
            if (MALFORMED_MULTIPART.contains(cause.getClass().getName())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code t} itself is Liberty's parameter parser's failure on a broken escape in the query or form. */
    static boolean isMalformedParameters(Throwable t) {
        if (!(t instanceof IllegalArgumentException)) {
            return false;
        }
        String raiser = StackFrames.raisedBy(StackFrames.of(t));
        return raiser != null && (raiser.equals(PARAMETER_PARSER) || raiser.startsWith(PARAMETER_PARSER + "$"));
    }

    /** Whether {@code t} itself is Liberty's refusal of {@code getParts()} on a body that is not multipart. */
    static boolean isNotMultipart(Throwable t) {
        return t instanceof ServletException && raisedByRequest(t, List.of(NOT_MULTIPART));
    }

    /**
     * Whether {@code t} itself is the HTTP channel's failure to read a body the client broke off,
     * stalled or framed wrongly: on the request body stream, the end of the stream before the
     * declared length or the socket's own error raised by the TCP channel, the channel's word for a
     * bad framing, or the TCP channel's read timeout.
     */
    static boolean isBrokenBody(Throwable t) {
        if (!(t instanceof IOException)) {
            return false;
        }
        StackTraceElement[] frames = StackFrames.of(t);
        if (t instanceof SocketTimeoutException) {
            // A client that stopped sending mid-body: the TCP channel's timeout check raises it on
            // its own selector thread (its stack never passes the body stream), and hands it to the read.
            return thrownByTcpChannel(frames);
        }
        if (!StackFrames.passesThrough(frames, HTTP_INPUT)) {
            return false;
        }
        if (ILLEGAL_BODY.equals(t.getClass().getName())) {
            return true;
        }
        return thrownByTcpChannel(frames) && (t instanceof EOFException || StackFrames.raisedBySocket(frames));
    }

    /** Whether {@code t} itself is the failure of a write to a client that went away: the socket's error on the response body stream. */
    static boolean isClientGone(Throwable t) {
        if (!(t instanceof IOException)) {
            return false;
        }
        StackTraceElement[] frames = StackFrames.of(t);
        return thrownByTcpChannel(frames) && StackFrames.raisedBySocket(frames) && StackFrames.passesThrough(frames, HTTP_OUTPUT);
    }

    /** Whether the exception was raised by Liberty's TCP channel, not by an application's code or a file it wrote. */
    private static boolean thrownByTcpChannel(StackTraceElement[] frames) {
        String raiser = StackFrames.raisedBy(frames);
        return raiser != null && raiser.startsWith(TCP_CHANNEL);
    }

    /** Whether {@code t} was raised by Liberty's request class with a message starting with one of {@code ids}. */
    private static boolean raisedByRequest(Throwable t, List<String> ids) {
        if (!SERVLET_REQUEST.equals(StackFrames.raisedBy(StackFrames.of(t)))) {
            return false;
        }
        String message;
        try {
            message = t.getMessage();
        } catch (RuntimeException unreadable) {
            return false;
        }
        return message != null && ids.stream().anyMatch(message::startsWith);
    }
}
