package dev.palisade.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A raw-socket HTTP/1.1 exchange: what a client sends byte for byte, and the whole answer. */
final class Raw implements AutoCloseable {
    private final Socket socket;
    /** What {@link #answeredOrClosed} read ahead, handed out first by the next read. */
    private final ByteArrayOutputStream early = new ByteArrayOutputStream();
    private boolean ended;

    Raw(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(15_000);
    }

    static String exchange(int port, String request) throws IOException {
        try (Raw raw = new Raw(port)) {
            raw.send(request);
            return raw.readAll();
        }
    }

    void send(String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Everything until the server closes the connection (requests send {@code Connection: close}). */
    String readAll() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        early.writeTo(bytes);
        byte[] buffer = new byte[8192];
        int n;
        while (!ended && (n = in.read(buffer)) >= 0) {
            bytes.write(buffer, 0, n);
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether the server has answered or closed the connection yet, without waiting: for a client
     * that keeps sending until the server gives up on it.
     */
    boolean answeredOrClosed() throws IOException {
        if (ended || early.size() > 0) {
            return true;
        }
        socket.setSoTimeout(1);
        try {
            int b = socket.getInputStream().read();
            if (b < 0) {
                ended = true;
            } else {
                early.write(b);
            }
            return true;
        } catch (java.net.SocketTimeoutException notYet) {
            return false;
        } finally {
            socket.setSoTimeout(15_000);
        }
    }

    /** {@link #readAll}, but what arrived before a reset (or nothing) rather than the reset. */
    String readAllOrEmpty() throws IOException {
        try {
            return readAll();
        } catch (java.net.SocketException reset) {
            return early.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** One response with a {@code Content-Length}, leaving the connection open for the next request. */
    String readResponse() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        early.writeTo(bytes);
        early.reset();
        int headEnd;
        while ((headEnd = bytes.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n")) < 0) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("Closed before a whole response head: " + bytes);
            }
            bytes.write(b);
        }
        String head = bytes.toString(StandardCharsets.ISO_8859_1).substring(0, headEnd);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)")
                .matcher(head);
        int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
        byte[] body = in.readNBytes(bodyLength - (bytes.size() - headEnd - 4));
        bytes.write(body);
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    void soTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    static String body(String response) {
        int at = response.indexOf("\r\n\r\n");
        return at < 0 ? "" : response.substring(at + 4);
    }

    static String headers(String response) {
        int at = response.indexOf("\r\n\r\n");
        return (at < 0 ? response : response.substring(0, at)).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
