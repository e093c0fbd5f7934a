package dev.palisade.filters;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one error shape of the kit: an RFC 9457 {@code application/problem+json} body,
 * {@code {"type":"about:blank","title":…,"status":…,"detail":…,"requestId":…}}, with
 * {@code X-Request-Id} and {@code Cache-Control: no-store}. Titles and details come from
 * {@link Problems}: fixed sentences, never exception text. Every value is JSON-escaped and the
 * detail is capped, so the body stays small whatever a caller passes.
 *
 * <p>Filters answer with this and never with the container's {@code sendError}, whose default
 * pages leak server versions and exception messages.
 */
public final class ProblemResponse {
    public static final String CONTENT_TYPE = "application/problem+json";
    static final int MAX_DETAIL_LENGTH = 200;
    /** The largest declared body an early answer reads, if it has all arrived, to keep the connection. */
    static final int MAX_BODY_READ_ON_ANSWER = 64 * 1024;
    /** Request attribute: the status of the problem this class wrote to the request's response (an Integer). */
    static final String SENT_STATUS = ProblemResponse.class.getName() + ".sentStatus";
    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponse.class);
    /** Every character a problem body can hold: its JSON escapes keep it ASCII. */
    private static final String PRINTABLE_ASCII = printableAscii();

    private final int status;
    private final String detail;
    private final List<String[]> headers;

    private ProblemResponse(int status, String detail, List<String[]> headers) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("A problem response needs a 4xx or 5xx status, not " + status);
        }
        this.status = status;
        this.detail = detail;
        this.headers = headers;
    }

    private static String printableAscii() {
        StringBuilder chars = new StringBuilder(95);
        for (char c = 0x20; c < 0x7F; c++) {
            chars.append(c);
        }
        return chars.toString();
    }

    /** A problem with the status's standard title and generic detail. */
    public static ProblemResponse of(int status) {
        return new ProblemResponse(status, Problems.detail(status), List.of());
    }

    /** The same problem with another fixed detail sentence (at most names a field; never exception text). */
    public ProblemResponse withDetail(String fixedSentence) {
        return new ProblemResponse(status, fixedSentence == null ? Problems.detail(status) : fixedSentence, headers);
    }

    /** The same problem with one more response header (for example {@code Retry-After}). */
    public ProblemResponse withHeader(String name, String value) {
        List<String[]> more = new ArrayList<>(headers);
        more.add(new String[] {name, value});
        return new ProblemResponse(status, detail, List.copyOf(more));
    }

    /**
     * The same problem, telling an HTTP/1.x client that the connection closes after it (its
     * framing is useless once a body is left unread). Other versions get no field: HTTP/2 forbids
     * connection-specific fields (RFC 9113, section 8.2.2), Tomcat 11 would send one as it is, and
     * clients then reject the whole response; there the unread stream is reset on its own.
     */
    ProblemResponse closingConnection(HttpServletRequest request) {
        String protocol = request.getProtocol();
        return protocol != null && protocol.startsWith("HTTP/1.") ? withHeader("Connection", "close") : this;
    }

    public int status() {
        return status;
    }

    /**
     * Sends this problem as a filter's answer given before anything read the request body, and, if
     * an HTTP/1.x request declares one, closes the connection after it, as the size limit does
     * after its 413: Tomcat would otherwise read and discard up to its {@code maxSwallowSize} of the
     * body before reusing the connection, holding a request thread for as long as the client takes
     * to send it (a client trickling a byte now and then holds it for good); Jetty closed such a
     * connection without saying so. A body is declared by {@code Content-Length} above 0 or by
     * {@code Transfer-Encoding}. Over HTTP/2 any request may still be sending a body after its header
     * fields: the answer is sent as it is, its stream left to the container (on Quarkus, reset with
     * {@code NO_ERROR} as the answer ends if the body has not; on Jetty, with {@code NO_ERROR}
     * instead of Jetty's {@code CANCEL}). Any exception from {@code abort} is the caller's to let propagate.
     */
    void sendLeavingBodyUnread(HttpServletRequest request, HttpServletResponse response, ConnectionAbort abort)
            throws IOException {
        String protocol = request.getProtocol();
        boolean http2 = protocol != null && protocol.startsWith("HTTP/2");
        if (!declaresBody(request) && !http2 || readIfArrived(request)) {
            send(request, response);
        } else if (http2) {
            abort.beforeAnswerLeavingBodyUnread(request, response);
            send(request, response);
        } else {
            sendClosingConnection(request, response, abort);
        }
    }

    /**
     * Sends this problem as an answer that leaves the request body unread: telling an HTTP/1.x
     * client that the connection closes after it, and closing it (see {@link
     * ConnectionAbort#afterAnswerLeavingBodyUnread}). Any exception from {@code abort} is the
     * caller's to let propagate.
     *
     * @return whether it was sent: not if the response was committed already
     */
    boolean sendClosingConnection(HttpServletRequest request, HttpServletResponse response, ConnectionAbort abort)
            throws IOException {
        abort.beforeAnswerLeavingBodyUnread(request, response);
        if (!closingConnection(request).send(request, response)) {
            return false;
        }
        abort.afterAnswerLeavingBodyUnread(request, response);
        return true;
    }

    /**
     * Sends this problem as the answer to an application's error (its {@code sendError}, or an error
     * status it set without a body), when it may have read none, part or all of the request body
     * (through the stream, the reader, or parameters or parts). A body read to its end leaves the
     * connection as it is; what is left of one is read and dropped as {@link #sendLeavingBodyUnread}
     * does, if it is small and has arrived; else, over HTTP/1.x, the answer says
     * {@code Connection: close} and the connection closes: Jetty would otherwise find the body
     * unread once the answer was committed, and close without saying so (the client's next request
     * on the connection then failed). Over HTTP/2 the answer is sent as it is. Where the state of a
     * body read through the reader cannot be learnt (not Jetty, whose stream says it; Tomcat reads
     * what is left itself), the answer is sent as it is.
     *
     * @param endsChain whether an exception from {@code abort} may leave the filter (its run after the
     *     chain returned, as for an early answer); where the application's code is still on the stack
     *     (a {@code sendError} after {@code startAsync}, or in a forward) the connection is only told
     *     to close, which Jetty acts on, and Tomcat after reading what is left
     * @return whether it was sent: not if the response was committed already
     */
    boolean sendAfterApplication(HttpServletRequest request, HttpServletResponse response, ConnectionAbort abort,
            boolean endsChain) throws IOException {
        if (response.isCommitted()) {
            return false;
        }
        if (!declaresBody(request)) {
            return send(request, response);
        }
        if (expectsContinue(request)) {
            return endsChain ? sendClosingConnection(request, response, abort)
                    : sendClosingWithoutAbort(request, response, abort);
        }
        ServletInputStream in;
        try {
            in = request.getInputStream();
        } catch (IllegalStateException readerTaken) {
            in = JettyInput.of(request);
            if (in == null) {
                LOG.debug("The body was read through the reader; whether to its end is unknown here", readerTaken);
                return send(request, response);
            }
        }
        if (readIfArrived(request, in)) {
            return send(request, response);
        }
        return endsChain ? sendClosingConnection(request, response, abort)
                    : sendClosingWithoutAbort(request, response, abort);
    }

    /**
     * Sends this problem as a filter's refusal of an async dispatch ({@link #sendAfterApplication});
     * where the application committed the response before it dispatched, the refusal can no longer
     * be sent, and the connection is broken instead ({@link RefusedAfterCommitException}), so that the
     * client sees the response cut short rather than one that looks whole.
     */
    void sendRefusingAsyncDispatch(HttpServletRequest request, HttpServletResponse response, ConnectionAbort abort)
            throws IOException {
        if (sendAfterApplication(request, response, abort, true) || !response.isCommitted()) {
            return;
        }
        IOException abortion = abort.forCommittedResponse(request, response,
                new RefusedAfterCommitException(status, RequestIds.of(request)));
        if (abortion != null) {
            throw abortion;
        }
    }

    /** Says {@code Connection: close} without the abort that would throw into the application's code. */
    private boolean sendClosingWithoutAbort(HttpServletRequest request, HttpServletResponse response,
            ConnectionAbort abort) throws IOException {
        abort.beforeAnswerLeavingBodyUnread(request, response);
        return closingConnection(request).send(request, response);
    }

    /**
     * Whether the client waits for a 100 before its body: asking for the body (Jetty's
     * {@code getInputStream()} does) would make Jetty send one, and the client would send a body
     * into a closing connection, perhaps losing the answer. A body the application read so is
     * closed after as well: whether it did cannot be asked without the same risk.
     */
    private static boolean expectsContinue(HttpServletRequest request) {
        String expect = request.getHeader("Expect");
        return expect != null && expect.regionMatches(true, 0, "100-continue", 0, 12);
    }

    /**
     * Reads and drops a small declared body that has already arrived (most small POSTs come in
     * the same packets as their header fields), without waiting for a byte more: the connection
     * then stays open for the client's next request. Anything else is left unread.
     */
    private static boolean readIfArrived(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        // Nothing has read the body yet: a large or unframed one is left without touching the stream.
        if (declared <= 0 || declared > MAX_BODY_READ_ON_ANSWER || expectsContinue(request)) {
            return false;
        }
        try {
            return readIfArrived(request, request.getInputStream());
        } catch (IOException | IllegalStateException unreadable) {
            LOG.debug("The body could not be read before an early answer; the connection closes", unreadable);
            return false;
        }
    }

    /**
     * As {@link #readIfArrived(HttpServletRequest)}, for a body of which the application may have
     * read some or all already through {@code in}: whether nothing of it is left.
     */
    private static boolean readIfArrived(HttpServletRequest request, ServletInputStream in) {
        try {
            if (in.isFinished()) {
                // Read to its end already: by the application, or by the container for its parameters.
                return true;
            }
            long remaining = request.getContentLengthLong();
            if (remaining <= 0 || remaining > MAX_BODY_READ_ON_ANSWER) {
                return false;
            }
            byte[] buffer = new byte[(int) Math.min(remaining, 8192)];
            // available() is what can be read without blocking (Tomcat may say 1 for "some"). The
            // declared length bounds the reads; what the application read is not counted in it,
            // so the stream says whether the end came.
            while (remaining > 0 && in.available() > 0) {
                int read = in.read(buffer, 0, (int) Math.min(remaining, buffer.length));
                if (read < 0) {
                    break;
                }
                remaining -= read;
            }
            // A body read to its last byte but not past it (by a parser that stops at the end of its
            // document) is not finished on Jetty until its empty last chunk is taken, which
            // available() does not count: Jetty's own consumeAvailable() takes it.
            return remaining == 0 || in.isFinished() || JettyInput.consumedToEnd(in);
        } catch (IOException | IllegalStateException unreadable) {
            LOG.debug("The rest of the body could not be read before the answer; the connection closes", unreadable);
            return false;
        }
    }

    /** Whether an HTTP/1.x request frames a body (HTTP/2 resets an unread stream on its own). */
    private static boolean declaresBody(HttpServletRequest request) {
        String protocol = request.getProtocol();
        return protocol != null && protocol.startsWith("HTTP/1.")
                && (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null);
    }

    /**
     * Writes the problem unless the response is already committed. Headers already set (security
     * headers, for instance) are kept; any buffered body is discarded.
     *
     * @return {@code false} when the response was committed and nothing could be written
     */
    public boolean send(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return false;
        }
        // For the access log, which may see the response committed by this problem without having
        // seen its status (written to the container's response of an async cycle, past its wrapper).
        request.setAttribute(SENT_STATUS, status);
        String requestId = RequestIds.of(request);
        response.resetBuffer();
        response.setStatus(status);
        response.setHeader(RequestIds.HEADER, requestId);
        response.setHeader("Cache-Control", "no-store");
        ResponseHeaders.remove(response, "Content-Encoding", "Content-Disposition", "ETag", "Last-Modified");
        for (String[] header : headers) {
            response.setHeader(header[0], header[1]);
        }
        response.setContentType(CONTENT_TYPE);
        byte[] body = json(status, Problems.title(status), detail, requestId).getBytes(StandardCharsets.UTF_8);
        ServletOutputStream out;
        try {
            out = response.getOutputStream();
        } catch (IllegalStateException writerAlreadyUsed) {
            writeThroughWriter(response, body);
            return true;
        }
        // A charset the application chose, or Tomcat took from a locale, would label the JSON (which
        // has none, RFC 8259) with it: ISO-8859-1, or UTF-16 for these UTF-8 bytes.
        response.setCharacterEncoding(null);
        response.setContentLength(body.length);
        out.write(body);
        return true;
    }

    /**
     * The application took the writer before failing, so the response's charset is fixed. The body
     * is ASCII, so an ASCII-compatible charset writes the same bytes and the same length; another
     * (UTF-16 writes a byte order mark and two bytes a character) leaves the length to the container.
     */
    private static void writeThroughWriter(HttpServletResponse response, byte[] body) throws IOException {
        response.setContentLengthLong(sendsAsciiAsIs(response.getCharacterEncoding()) ? body.length : -1);
        response.getWriter().write(new String(body, StandardCharsets.US_ASCII));
    }

    /** Whether {@code charsetName} encodes every printable ASCII character as that one byte. */
    private static boolean sendsAsciiAsIs(String charsetName) {
        if (charsetName == null || charsetName.equalsIgnoreCase("UTF-8") || charsetName.equalsIgnoreCase("ISO-8859-1")
                || charsetName.equalsIgnoreCase("US-ASCII")) {
            return true;
        }
        try {
            return Arrays.equals(PRINTABLE_ASCII.getBytes(Charset.forName(charsetName)),
                    PRINTABLE_ASCII.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException unknownCharset) {
            // The container could not encode in it either; treat it as foreign.
            return false;
        }
    }

    /** The problem document itself; exposed for writers outside the servlet API (container error handlers). */
    public static String json(int status, String title, String detail, String requestId) {
        StringBuilder out = new StringBuilder(160);
        out.append("{\"type\":\"about:blank\",\"title\":");
        appendString(out, title);
        out.append(",\"status\":").append(status).append(",\"detail\":");
        appendString(out, cap(detail));
        out.append(",\"requestId\":");
        appendString(out, requestId);
        return out.append('}').toString();
    }

    private static String cap(String detail) {
        if (detail == null) {
            return "";
        }
        if (detail.length() <= MAX_DETAIL_LENGTH) {
            return detail;
        }
        // Not between the two halves of a surrogate pair.
        int end = Character.isHighSurrogate(detail.charAt(MAX_DETAIL_LENGTH - 1)) ? MAX_DETAIL_LENGTH - 1 : MAX_DETAIL_LENGTH;
        return detail.substring(0, end);
    }

    private static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    // Control characters, <, >, & so the body is inert if a browser sniffs it as HTML,
                    // and all of non-ASCII so the body is the same bytes in any ASCII-compatible charset.
                    if (c < 0x20 || c >= 0x7F || c == '<' || c == '>' || c == '&') {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
