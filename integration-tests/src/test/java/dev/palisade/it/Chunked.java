package dev.palisade.it;

import dev.palisade.filters.testing.RawHttp;
import java.io.IOException;
import java.util.Arrays;

/** Chunked request bodies over a raw socket: no {@code Content-Length}, so the server must count. */
final class Chunked {
    private static final int CHUNK = 16 * 1024;

    private Chunked() {
    }

    /**
     * POSTs {@code body} with its {@code Content-Length}, in pieces, stopping early when the server has
     * answered or closed (a limit answered before the body is read), and returns the server's answer.
     */
    static RawHttp.Response sendWithLength(int port, String path, String token, String contentType, byte[] body)
            throws IOException {
        try (RawHttp raw = RawHttp.connect(port)) {
            raw.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + "Content-Type: " + contentType + "\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n");
            for (int offset = 0; offset < body.length && !raw.writeFailed() && !raw.responsePending();
                    offset += CHUNK) {
                raw.send(Arrays.copyOfRange(body, offset, Math.min(body.length, offset + CHUNK)));
            }
            return raw.readResponse();
        }
    }

    /** A multipart/form-data body with one field {@code file}. */
    static byte[] multipart(String boundary, String fileName, String partType, byte[] content) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(content.length + 256);
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: " + partType + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /**
     * POSTs {@code prefix} then {@code fill} bytes up to {@code total} in chunks, stopping early when the
     * server has answered or closed, and returns the server's answer.
     */
    static RawHttp.Response send(int port, String path, String token, String contentType, byte[] prefix, char fill,
            int total) throws IOException {
        try (RawHttp raw = RawHttp.connect(port)) {
            raw.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + "Content-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            raw.chunk(prefix);
            byte[] chunk = new byte[CHUNK];
            Arrays.fill(chunk, (byte) fill);
            int sent = prefix.length;
            while (sent < total && !raw.writeFailed() && !raw.responsePending()) {
                raw.chunk(chunk);
                sent += chunk.length;
            }
            if (!raw.writeFailed() && !raw.responsePending()) {
                raw.lastChunk();
            }
            return raw.readResponse();
        }
    }
}
