package dev.palisade.filters.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A raw HTTP/1.1 connection for what client libraries hide: chunked bodies written piece by piece,
 * invalid {@code Content-Length}, CR/LF in headers. Every read is bounded by a socket timeout.
 */
public final class RawHttp implements AutoCloseable {
    private static final int TIMEOUT_MS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) throws IOException {
        return connect("127.0.0.1", port);
    }

    public static RawHttp connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        return new RawHttp(socket);
    }

    /** Sends {@code request} (CRLFs written as given) on a new connection and reads one response. */
    public static Response exchange(int port, String request) throws IOException {
        try (RawHttp http = connect(port)) {
            http.send(request);
            return http.readResponse();
        }
    }

    /**
     * Sends {@code request} on a new connection and returns all the server sent until it closed or
     * reset the connection (an aborted response ends with a reset): each read bounded.
     */
    public static String receivedUntilClosed(int port, String request) throws IOException {
        try (RawHttp http = connect(port)) {
            return http.send(request).receivedUntilClosed();
        }
    }

    /**
     * Sends {@code request} on a new connection, reads up to {@code bytes} of the answer and then
     * leaves as a client abandoning a download does: with a reset, not a FIN, so the server's next
     * write fails at once. Returns how many bytes were read.
     */
    public static int readThenReset(int port, String request, int bytes) throws IOException {
        try (RawHttp http = connect(port)) {
            http.send(request);
            int read = http.in.readNBytes(bytes).length;
            http.socket.setSoLinger(true, 0);
            return read;
        }
    }

    /** Everything this connection receives until the server closes or resets it, each read bounded. */
    public String receivedUntilClosed() throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // What came before the reset is the answer.
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Writes bytes; a write the server refused (it closed the connection) is not an error here:
     * tests assert on the response the server sent before closing.
     */
    public RawHttp send(byte[] bytes) throws IOException {
        try {
            out.write(bytes);
            out.flush();
        } catch (SocketException e) {
            writeFailed = true;
        }
        return this;
    }

    private boolean writeFailed;

    /** Whether a write failed because the peer had closed or reset the connection. */
    public boolean writeFailed() {
        return writeFailed;
    }

    /** Whether response bytes are waiting to be read (the server answered before the body ended). */
    public boolean responsePending() throws IOException {
        return in.available() > 0;
    }

    /** Writes one chunk of a chunked body. */
    public RawHttp chunk(byte[] data) throws IOException {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(data.length + 16);
        chunk.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        chunk.writeBytes(data);
        chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return send(chunk.toByteArray());
    }

    /** Ends the sending side only (TCP FIN): the server sees the body end early, and can still answer. */
    public RawHttp halfClose() throws IOException {
        out.flush();
        socket.shutdownOutput();
        return this;
    }

    /** Writes the terminating zero-length chunk. */
    public RawHttp lastChunk() throws IOException {
        return send("0\r\n\r\n");
    }

    /** Reads one response: status line, headers, and a body framed by length, chunks or close. */
    public Response readResponse() throws IOException {
        return readResponse(false);
    }

    /** Reads the response to a {@code HEAD} request: status line and headers, never a body. */
    public Response readHeadResponse() throws IOException {
        return readResponse(true);
    }

    private Response readResponse(boolean toHead) throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("Connection closed before a response arrived");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        List<String[]> headers = new ArrayList<>();
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        Response head = new Response(status, headers, new byte[0]);
        byte[] body;
        String length = head.header("Content-Length");
        if (toHead) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
            body = readChunked();
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if (status == 204 || status == 304 || status / 100 == 1) {
            body = new byte[0];
        } else {
            body = readToEnd();
        }
        return new Response(status, headers, body);
    }

    /**
     * Whether the server closed the connection: reads (and discards) until end of stream, reset, or
     * the bounded timeout. Returns {@code false} only when the connection stayed open past the timeout.
     */
    public boolean closedByServer() throws IOException {
        try {
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // Discard anything left; only the end of the stream matters here.
                continue;
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /**
     * Everything the server sends until it closes the connection (or resets it, or the bounded
     * timeout passes), unparsed: for asserting that nothing follows a response.
     */
    public String readAll() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("the server kept the connection open; it sent: " + all.toString(StandardCharsets.ISO_8859_1), e);
        } catch (SocketException e) {
            // A reset ends the stream too; what arrived before it is what the client saw.
            return all.toString(StandardCharsets.ISO_8859_1);
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new IOException("Connection closed inside a chunked body");
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            if (size == 0) {
                String trailer;
                while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                    continue;
                }
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(size));
            readLine();
        }
    }

    private byte[] readToEnd() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            in.transferTo(body);
        } catch (SocketException e) {
            // A reset after the body is the server closing hard; what arrived is the body.
            return body.toByteArray();
        }
        return body.toByteArray();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Leaves as a client abandoning a request does: with a reset, not a FIN. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One parsed response. Header names compare case-insensitively. */
    public record Response(int status, List<String[]> headers, byte[] bodyBytes) {
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public List<String> headerValues(String name) {
            List<String> values = new ArrayList<>();
            for (String[] h : headers) {
                if (h[0].toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    values.add(h[1]);
                }
            }
            return values;
        }

        public String body() {
            return new String(bodyBytes, StandardCharsets.UTF_8);
        }
    }
}
