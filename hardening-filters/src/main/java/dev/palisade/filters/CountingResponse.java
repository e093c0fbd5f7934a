package dev.palisade.filters;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

/**
 * Counts the body bytes the application writes, through the output stream or the writer (encoded
 * in the response's charset). A buffer reset (as an error writer does before its problem body)
 * resets the count, so the count is what was actually sent. Not a copy: nothing is buffered here.
 */
final class CountingResponse extends HttpServletResponseWrapper {
    private long bytes;
    /** The status last set through this wrapper; 0 for none. */
    private int statusSet;
    /**
     * The status of the response as committed, noted where a commit is seen: an explicit flush
     * through this wrapper, or the request thread returning from an async request; 0 if not seen.
     */
    private volatile int statusAtCommit;
    /** Whether the request thread has returned from an async request (see {@link #noteRequestThreadReturned()}). */
    private volatile boolean requestThreadReturned;
    /** The status async code last set through this wrapper after the request thread returned; 0 for none. */
    private volatile int statusSetByAsyncCode;
    private ServletOutputStream stream;
    private PrintWriter writer;

    CountingResponse(HttpServletResponse response) {
        super(response);
    }

    long bytes() {
        return bytes;
    }

    /**
     * The status a committed response went out with: as noted when the commit was seen (an
     * explicit flush, or the request thread returning); else as last set through this wrapper;
     * else 200. After an async
     * failure Tomcat sets 500 on the response it holds, which {@link #getStatus()} then reports
     * though the client got the first.
     */
    int committedStatus() {
        int noted = statusAtCommit;
        if (noted != 0) {
            return noted;
        }
        // Not getStatus(): after an async failure Tomcat has set its 500 there already.
        return statusSet != 0 ? statusSet : SC_OK;
    }

    /** The status async code last set through this wrapper, or 0. */
    int statusSetByAsyncCode() {
        return statusSetByAsyncCode;
    }

    /** The status noted when the response was seen committed, or 0. */
    int statusAtCommit() {
        return statusAtCommit;
    }

    /**
     * Notes the status if the response is committed now (the request thread returning from an
     * async request): the container's, whoever set it, even past this wrapper (a no-argument
     * {@code startAsync()} hands async code the unwrapped response).
     */
    void noteStatusIfCommitted() {
        if (statusAtCommit == 0 && isCommitted()) {
            statusAtCommit = getStatus();
        }
    }

    /** The request thread returns from an async request: statuses set from now on are async code's. */
    void noteRequestThreadReturned() {
        requestThreadReturned = true;
        noteStatusIfCommitted();
    }

    @Override
    public void flushBuffer() throws IOException {
        super.flushBuffer();
        noteStatusIfCommitted();
    }

    @Override
    public void setStatus(int sc) {
        recordStatus(sc);
        super.setStatus(sc);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        recordStatus(sc);
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        recordStatus(sc);
        super.sendError(sc);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        recordStatus(SC_FOUND);
        super.sendRedirect(location);
    }

    // Servlet 6.1's overloads: see StatusRedirect for why they are declared without @Override.

    public void sendRedirect(String location, int sc) throws IOException {
        sendRedirect(location, sc, true);
    }

    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        sendRedirect(location, SC_FOUND, clearBuffer);
    }

    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        recordStatus(sc);
        StatusRedirect.send((HttpServletResponse) getResponse(), location, sc, clearBuffer);
    }

    private void recordStatus(int sc) {
        // No isCommitted() check (on Jetty it takes a lock, and an application may set a status on
        // every request): a status set after a commit this wrapper saw does not matter, as the status
        // noted at that commit comes first.
        statusSet = sc;
        if (requestThreadReturned) {
            statusSetByAsyncCode = sc;
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new CountingStream(super.getOutputStream());
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            PrintWriter inner = super.getWriter();
            Charset charset = charsetOf(getCharacterEncoding());
            writer = new AbortReportingWriter(new CountingWriter(inner, charset), inner);
        }
        return writer;
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        bytes = 0;
    }

    @Override
    public void reset() {
        super.reset();
        bytes = 0;
        statusSet = 0;
        statusSetByAsyncCode = 0;
        stream = null;
        writer = null;
    }

    /** The counting writer, with the container writer's record of client aborts in {@link #checkError()}. */
    private static final class AbortReportingWriter extends PrintWriter {
        private final PrintWriter container;

        AbortReportingWriter(Writer counting, PrintWriter container) {
            super(counting, false);
            this.container = container;
        }

        @Override
        public boolean checkError() {
            return super.checkError() || container.checkError();
        }
    }

    private static Charset charsetOf(String name) {
        if (name == null) {
            return StandardCharsets.ISO_8859_1;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            // The container already refused or replaced it; counting in UTF-8 is the closest guess.
            return StandardCharsets.UTF_8;
        }
    }

    private final class CountingStream extends ServletOutputStream {
        private final ServletOutputStream out;
        /** See {@link #printsInResponseCharset()}; looked up on the first print. */
        private Boolean printsInCharset;

        CountingStream(ServletOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            bytes += len;
        }

        /**
         * The container's stream prints: Jetty's encodes the text in the response's charset, the
         * API's own {@code print} (Tomcat's) refuses a character past ISO-8859-1. The inherited
         * method would write each character as one byte, which breaks UTF-8 text on Jetty.
         */
        @Override
        public void print(String s) throws IOException {
            String text = String.valueOf(s);
            out.print(text);
            bytes += printedLength(text);
        }

        private long printedLength(String text) {
            if (!printsInResponseCharset()) {
                return text.length();
            }
            Charset charset = charsetOf(getCharacterEncoding());
            if (FormUrlEncoded.isAsciiCompatible(charset)) {
                boolean ascii = true;
                for (int i = 0; i < text.length() && ascii; i++) {
                    ascii = text.charAt(i) < 0x80;
                }
                if (ascii) {
                    return text.length();
                }
            }
            // UTF-16 and the like: two bytes a character, and a byte-order mark on each print.
            return charset.encode(text).remaining();
        }

        /** Whether the container's stream prints in the response's charset (Jetty) rather than one byte a character. */
        private boolean printsInResponseCharset() {
            Boolean known = printsInCharset;
            if (known == null) {
                try {
                    known = out.getClass().getMethod("print", String.class).getDeclaringClass() != ServletOutputStream.class;
                } catch (NoSuchMethodException e) {
                    throw new IllegalStateException("ServletOutputStream.print(String) is public API", e);
                }
                printsInCharset = known;
            }
            return known;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
            noteStatusIfCommitted();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }

    private final class CountingWriter extends Writer {
        private final PrintWriter out;
        private final Charset charset;
        private final boolean utf8;
        private final boolean singleByte;

        CountingWriter(PrintWriter out, Charset charset) {
            this.out = out;
            this.charset = charset;
            this.utf8 = charset.equals(StandardCharsets.UTF_8);
            this.singleByte = charset.equals(StandardCharsets.ISO_8859_1) || charset.equals(StandardCharsets.US_ASCII)
                    || charset.newEncoder().maxBytesPerChar() == 1.0f;
        }

        @Override
        public void write(int c) {
            out.write(c);
            bytes += encodedLength(String.valueOf((char) c), 0, 1);
        }

        @Override
        public void write(char[] buffer, int off, int len) {
            out.write(buffer, off, len);
            bytes += encodedLength(CharBuffer.wrap(buffer), off, len);
        }

        @Override
        public void write(String text, int off, int len) {
            out.write(text, off, len);
            bytes += encodedLength(text, off, len);
        }

        @Override
        public void flush() {
            out.flush();
            noteStatusIfCommitted();
        }

        @Override
        public void close() {
            out.close();
        }

        private long encodedLength(CharSequence text, int off, int len) {
            if (singleByte) {
                return len;
            }
            if (!utf8) {
                return charset.encode(CharBuffer.wrap(text, off, off + len)).remaining();
            }
            long n = 0;
            for (int i = off; i < off + len; i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    n++;
                } else if (c < 0x800) {
                    n += 2;
                } else if (Character.isHighSurrogate(c)) {
                    n += 4;
                } else if (!Character.isLowSurrogate(c)) {
                    n += 3;
                }
            }
            return n;
        }
    }
}
