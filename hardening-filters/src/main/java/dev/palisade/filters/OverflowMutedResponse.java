package dev.palisade.filters;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Locale;

/**
 * The response {@link RequestSizeLimitFilter} hands down with a request that has a body: once the
 * body has passed its limit, whatever the application still does to the response is dropped, so
 * that the filter's 413 is the answer. Frameworks catch the {@link RequestTooLargeException} a
 * read throws and write an answer of their own (Jersey: a complete 500, with an ERROR logged);
 * without this the filter found that answer committed and could only break the connection after it.
 * Until the body passes its limit everything goes through as it is; so does the kit's own answer
 * ({@link ProblemResponse#send}, through this wrapper when the application handed it on to an
 * async dispatch inside a wrapper of its own, and what the kit does after it), and whatever the
 * application does once it has started async mode (its task then answers, as without this
 * wrapper). Not muted: trailer fields, and what Servlet 6.1 added ({@code sendRedirect} with a
 * status, {@code setCharacterEncoding(Charset)}), which this 6.0 build cannot override.
 */
final class OverflowMutedResponse extends HttpServletResponseWrapper {
    /** Set while the kit writes its own answer on this thread. */
    private static final ThreadLocal<Boolean> KIT_ANSWER = new ThreadLocal<>();
    /**
     * Request attribute set once the kit has answered: what it does to finish the answer (flush it,
     * close it, end the connection) is not muted either.
     */
    static final String KIT_ANSWERED = "dev.palisade.kitAnswered";

    private final SizeLimitedRequest body;
    private ServletOutputStream stream;
    private PrintWriter writer;

    OverflowMutedResponse(HttpServletResponse response, SizeLimitedRequest body) {
        super(response);
        this.body = body;
    }

    /** {@code response}, or the response it mutes. */
    static ServletResponse unmuted(ServletResponse response) {
        return response instanceof OverflowMutedResponse muted ? muted.getResponse() : response;
    }

    /**
     * Marks the kit's own answer on this thread, which no muted response drops; returns whether
     * one was already under way, for {@link #endKitAnswer}.
     */
    static boolean beginKitAnswer() {
        boolean enclosing = KIT_ANSWER.get() != null;
        if (!enclosing) {
            KIT_ANSWER.set(Boolean.TRUE);
        }
        return enclosing;
    }

    static void endKitAnswer(boolean enclosing) {
        if (!enclosing) {
            KIT_ANSWER.remove();
        }
    }

    private boolean muted() {
        return body.exceeded() && KIT_ANSWER.get() == null && !body.isAsyncStarted()
                && body.getAttribute(KIT_ANSWERED) == null;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        ServletOutputStream real = super.getOutputStream();
        if (stream == null) {
            stream = new MutedStream(real);
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        PrintWriter real = super.getWriter();
        if (writer == null) {
            writer = new MutedWriter(real);
        }
        return writer;
    }

    @Override
    public void setStatus(int sc) {
        if (!muted()) {
            super.setStatus(sc);
        }
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        if (!muted()) {
            super.sendError(sc, msg);
        }
    }

    @Override
    public void sendError(int sc) throws IOException {
        if (!muted()) {
            super.sendError(sc);
        }
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        if (!muted()) {
            super.sendRedirect(location);
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if (!muted()) {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (!muted()) {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        if (!muted()) {
            super.setIntHeader(name, value);
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        if (!muted()) {
            super.addIntHeader(name, value);
        }
    }

    @Override
    public void setDateHeader(String name, long date) {
        if (!muted()) {
            super.setDateHeader(name, date);
        }
    }

    @Override
    public void addDateHeader(String name, long date) {
        if (!muted()) {
            super.addDateHeader(name, date);
        }
    }

    @Override
    public void addCookie(Cookie cookie) {
        if (!muted()) {
            super.addCookie(cookie);
        }
    }

    @Override
    public void setContentType(String type) {
        if (!muted()) {
            super.setContentType(type);
        }
    }

    @Override
    public void setCharacterEncoding(String charset) {
        if (!muted()) {
            super.setCharacterEncoding(charset);
        }
    }

    @Override
    public void setLocale(Locale loc) {
        if (!muted()) {
            super.setLocale(loc);
        }
    }

    @Override
    public void setContentLength(int len) {
        if (!muted()) {
            super.setContentLength(len);
        }
    }

    @Override
    public void setContentLengthLong(long len) {
        if (!muted()) {
            super.setContentLengthLong(len);
        }
    }

    @Override
    public void flushBuffer() throws IOException {
        if (!muted()) {
            super.flushBuffer();
        }
    }

    @Override
    public void reset() {
        if (!muted()) {
            super.reset();
        }
    }

    @Override
    public void resetBuffer() {
        if (!muted()) {
            super.resetBuffer();
        }
    }

    /** The container's stream, silent once the body has passed its limit. */
    private final class MutedStream extends ServletOutputStream {
        private final ServletOutputStream real;

        MutedStream(ServletOutputStream real) {
            this.real = real;
        }

        @Override
        public void write(int b) throws IOException {
            if (!muted()) {
                real.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!muted()) {
                real.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (!muted()) {
                real.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (!muted()) {
                real.close();
            }
        }

        @Override
        public boolean isReady() {
            return real.isReady();
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            real.setWriteListener(writeListener);
        }
    }

    /**
     * The container's writer, silent once the body has passed its limit: every character goes
     * through one {@link Writer}, {@code println}'s line separator included.
     */
    private final class MutedWriter extends PrintWriter {
        private final PrintWriter real;

        MutedWriter(PrintWriter real) {
            super(new MutedChars(real));
            this.real = real;
        }

        @Override
        public void close() {
            // Closed while muted, a PrintWriter would refuse every later write, the kit's included.
            if (!muted()) {
                super.close();
            }
        }

        @Override
        public boolean checkError() {
            // The container's writer notes a client gone; asking it flushes, so not once muted.
            return super.checkError() || !muted() && real.checkError();
        }
    }

    /** The characters for {@link MutedWriter}: dropped once the body has passed its limit. */
    private final class MutedChars extends Writer {
        private final PrintWriter real;

        MutedChars(PrintWriter real) {
            this.real = real;
        }

        @Override
        public void write(int c) {
            if (!muted()) {
                real.write(c);
            }
        }

        @Override
        public void write(char[] buf, int off, int len) {
            if (!muted()) {
                real.write(buf, off, len);
            }
        }

        @Override
        public void write(String s, int off, int len) {
            if (!muted()) {
                real.write(s, off, len);
            }
        }

        @Override
        public void flush() {
            if (!muted()) {
                real.flush();
            }
        }

        @Override
        public void close() {
            if (!muted()) {
                real.close();
            }
        }
    }
}
