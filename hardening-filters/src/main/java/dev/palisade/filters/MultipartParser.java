package dev.palisade.filters;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small streaming {@code multipart/form-data} parser (RFC 7578 / RFC 2046) over the counting
 * stream, for bodies the container would otherwise parse from its own internal stream, out of the
 * size filter's sight. The body is read once, in a fixed buffer; each part stays in memory up to a
 * threshold and then spills to a temporary file. Part headers, the number of parts and (through
 * the counting stream) the whole body are bounded.
 */
final class MultipartParser {
    static final int MAX_HEADER_BYTES = 8 * 1024;
    /**
     * Header fields per part. Browsers send two or three; without a count, 8 KiB of empty
     * {@code a:} lines per part kept a quarter of a million small header objects per MiB of body.
     */
    static final int MAX_HEADERS_PER_PART = 16;
    private static final int BUFFER_SIZE = 16 * 1024;
    private static final int MAX_BOUNDARY_LENGTH = 70;

    private final InputStream in;
    /** {@code CRLF--boundary}: what ends every part. */
    private final byte[] delimiter;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private int lim;

    private MultipartParser(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The first boundary has no CRLF before it; pretend it has, so every delimiter looks alike.
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /**
     * Limits and places for one parse. {@code maxPartBytes}: the largest part (the servlet's
     * {@code maxFileSize}), negative for none; a larger one fails the parse with a
     * {@link RequestTooLargeException}. Parts spill to {@code tempDir}; {@code writeDir} is where
     * {@code Part.write} puts a relative name (the servlet's {@code location}).
     */
    record Options(long memoryThreshold, Path tempDir, int maxParts, Charset fallbackCharset, long maxPartBytes,
            Path writeDir) {
    }

    /** The {@code boundary} parameter of a multipart content type, or {@code null} when unusable. */
    static String boundary(String contentType) {
        String value = parameter(contentType, "boundary");
        if (value == null || value.isEmpty() || value.length() > MAX_BOUNDARY_LENGTH) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return null;
            }
        }
        return value;
    }

    /** Reads every part of the body; on failure, parts already spilled to disk are deleted. */
    static List<UploadedPart> parse(InputStream in, String boundary, Options options) throws IOException {
        List<UploadedPart> parts = new ArrayList<>();
        try {
            new MultipartParser(in, boundary).readParts(options, parts);
            return parts;
        } catch (IOException | RuntimeException e) {
            for (UploadedPart part : parts) {
                deleteQuietly(part, e);
            }
            throw e;
        }
    }

    private void readParts(Options options, List<UploadedPart> parts) throws IOException {
        if (!skipPast(null)) {
            throw new MalformedBodyException("No multipart boundary in the body");
        }
        while (true) {
            if (!ensure(2)) {
                throw new MalformedBodyException("Multipart body ends after a boundary");
            }
            if (buf[pos] == '-' && buf[pos + 1] == '-') {
                pos += 2;
                drainEpilogue();
                return;
            }
            skipTransportPadding();
            List<String[]> headers = readHeaders();
            if (parts.size() >= options.maxParts()) {
                throw new MalformedBodyException("Too many multipart parts");
            }
            String disposition = header(headers, "Content-Disposition");
            String name = parameter(disposition, "name");
            String fileName = fileName(disposition);
            if (name == null) {
                // Cannot be addressed. Jetty 12 refuses such a part when it parses a body with a
                // length (Tomcat 11 skips it): refused here too, the stricter of the two.
                throw new MalformedBodyException("A multipart part has no form-data name");
            }
            PartSink sink = new PartSink(options);
            try {
                if (!skipPast(sink)) {
                    throw new MalformedBodyException("Multipart body ends inside a part");
                }
                sink.close();
            } catch (IOException | RuntimeException e) {
                sink.discard(e);
                throw e;
            }
            parts.add(sink.toPart(name, fileName, headers, options.writeDir()));
        }
    }

    /** Copies to {@code sink} (or discards) everything up to and including the next delimiter. */
    private boolean skipPast(PartSink sink) throws IOException {
        int d = delimiter.length;
        while (true) {
            int hit = indexOfDelimiter();
            if (hit >= 0) {
                if (sink != null) {
                    sink.write(buf, pos, hit - pos);
                }
                pos = hit + d;
                return true;
            }
            // The last d-1 bytes may be the start of a delimiter: keep them.
            int safe = lim - (d - 1);
            if (safe > pos) {
                if (sink != null) {
                    sink.write(buf, pos, safe - pos);
                }
                pos = safe;
            }
            if (!fill()) {
                return false;
            }
        }
    }

    private int indexOfDelimiter() {
        byte first = delimiter[0];
        int last = lim - delimiter.length;
        outer:
        for (int i = pos; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void skipTransportPadding() throws IOException {
        while (ensure(1) && (buf[pos] == ' ' || buf[pos] == '\t')) {
            pos++;
        }
        if (!ensure(2) || buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw new MalformedBodyException("Malformed multipart boundary line");
        }
        pos += 2;
    }

    private List<String[]> readHeaders() throws IOException {
        List<String[]> headers = new ArrayList<>();
        // The last field's value while folded lines go on continuing it: one copy in all, where
        // concatenating per line copied the value again for each (563 MB for a 1 MiB body).
        StringBuilder folded = null;
        int total = 0;
        while (true) {
            String line = readLine(MAX_HEADER_BYTES - total);
            // Bytes, not characters: the cap is on what the client sends (a UTF-8 character is up to 3).
            total += lastLineBytes + 2;
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                if (folded == null) {
                    folded = new StringBuilder(headers.get(headers.size() - 1)[1]);
                }
                folded.append(' ').append(line.trim());
                continue;
            }
            if (folded != null) {
                headers.get(headers.size() - 1)[1] = folded.toString();
                folded = null;
            }
            if (line.isEmpty()) {
                return headers;
            }
            if (headers.size() == MAX_HEADERS_PER_PART) {
                throw new MalformedBodyException("Too many multipart part headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedBodyException("Malformed multipart header");
            }
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
    }

    /** One CRLF-terminated header line, decoded as UTF-8 (what browsers send for names). */
    /** The length in bytes of the line {@link #readLine} returned last. */
    private int lastLineBytes;

    private String readLine(int max) throws IOException {
        // Bytes after pos already known to hold no CRLF: a trickled line is scanned once, not again per fill.
        int known = 0;
        while (true) {
            for (int i = pos + known; i + 1 < lim; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    if (i - pos > max) {
                        throw new MalformedBodyException("Multipart headers too large");
                    }
                    String line = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
                    lastLineBytes = i - pos;
                    pos = i + 2;
                    return line;
                }
            }
            known = Math.max(0, lim - pos - 1);
            if (lim - pos > max) {
                throw new MalformedBodyException("Multipart headers too large");
            }
            if (!fill()) {
                throw new MalformedBodyException("Multipart body ends inside part headers");
            }
        }
    }

    private void drainEpilogue() throws IOException {
        // Counted like the rest of the body: an endless epilogue still ends in 413.
        pos = lim;
        while (in.read(buf, 0, buf.length) >= 0) {
            continue;
        }
    }

    private boolean ensure(int n) throws IOException {
        while (lim - pos < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** Compacts the buffer and reads more; {@code false} at end of stream. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            throw new IllegalStateException("multipart buffer full");
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            return false;
        }
        lim += n;
        return true;
    }

    static String header(List<String[]> headers, String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /**
     * The part's file name: {@code filename*} (RFC 7578, section 4.2, in RFC 5987 form:
     * {@code UTF-8''%C3%A9t%C3%A9.txt}) when present and well formed, as both containers read it,
     * else {@code filename}.
     */
    static String fileName(String disposition) {
        String extended = parameter(disposition, "filename*");
        String decoded = extended == null ? null : extendedValue(extended);
        return decoded != null ? decoded : parameter(disposition, "filename");
    }

    /** An RFC 5987 {@code charset'language'percent-encoded} value, or {@code null} if it is not one. */
    static String extendedValue(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            return null;
        }
        try {
            Charset charset = Charset.forName(value.substring(0, first).trim());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
            for (int i = second + 1; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '%') {
                    int hi = i + 2 < value.length() ? Chars.hexValue(value.charAt(i + 1)) : -1;
                    int lo = hi < 0 ? -1 : Chars.hexValue(value.charAt(i + 2));
                    if (lo < 0) {
                        return null;
                    }
                    bytes.write(hi * 16 + lo);
                    i += 2;
                } else if (c < 0x80) {
                    bytes.write(c);
                } else {
                    return null;
                }
            }
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (IllegalArgumentException | CharacterCodingException notExtended) {
            // An unknown charset or bytes it cannot decode: the plain filename, if any, is used instead.
            return null;
        }
    }

    /** A parameter of a header value such as {@code form-data; name="a"; filename="b"}. */
    static String parameter(String headerValue, String name) {
        if (headerValue == null) {
            return null;
        }
        int n = headerValue.length();
        int i = headerValue.indexOf(';');
        while (i >= 0) {
            i++;
            if (i < n && headerValue.charAt(i) == ';') {
                continue;
            }
            // The '=' is looked for within this parameter only: searching on to the end of the
            // value from every ';' made a run of ';' quadratic (a fifth of a second per MiB).
            int semi = headerValue.indexOf(';', i);
            int eq = Chars.indexOf(headerValue, '=', i, semi < 0 ? n : semi);
            if (eq < 0) {
                i = semi;
                continue;
            }
            String key = headerValue.substring(i, eq).trim();
            int j = eq + 1;
            while (j < n && (headerValue.charAt(j) == ' ' || headerValue.charAt(j) == '\t')) {
                j++;
            }
            String value;
            if (j < n && headerValue.charAt(j) == '"') {
                StringBuilder quoted = new StringBuilder();
                j++;
                while (j < n && headerValue.charAt(j) != '"') {
                    char c = headerValue.charAt(j);
                    if (c == '\\' && j + 1 < n && (headerValue.charAt(j + 1) == '"' || headerValue.charAt(j + 1) == '\\')) {
                        j++;
                        c = headerValue.charAt(j);
                    }
                    quoted.append(c);
                    j++;
                }
                value = quoted.toString();
                i = headerValue.indexOf(';', j);
            } else {
                int end = headerValue.indexOf(';', j);
                value = headerValue.substring(j, end < 0 ? n : end).trim();
                i = end;
            }
            if (key.equalsIgnoreCase(name)) {
                return value;
            }
        }
        return null;
    }

    /** The {@code charset} of a content type, or {@code fallback}. */
    static Charset charsetOf(String contentType, Charset fallback) {
        String name = parameter(contentType, "charset");
        if (name == null) {
            return fallback;
        }
        try {
            return Charset.forName(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    private static void deleteQuietly(UploadedPart part, Exception cause) {
        try {
            part.delete();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** Where one part's bytes go: memory up to the threshold, then a temporary file. */
    private static final class PartSink {
        private final Options options;
        private ByteArrayOutputStream memory = new ByteArrayOutputStream();
        private Path file;
        private OutputStream out;
        private long size;

        PartSink(Options options) {
            this.options = options;
        }

        void write(byte[] b, int off, int len) throws IOException {
            if (len <= 0) {
                return;
            }
            size += len;
            if (options.maxPartBytes() >= 0 && size > options.maxPartBytes()) {
                throw new RequestTooLargeException(options.maxPartBytes());
            }
            if (out == null && size > options.memoryThreshold()) {
                file = Files.createTempFile(options.tempDir(), "palisade-part-", ".tmp");
                // Buffered: a client sending a few bytes per packet made one file write per read.
                out = new BufferedOutputStream(Files.newOutputStream(file), 8192);
                memory.writeTo(out);
                memory = null;
            }
            if (out != null) {
                out.write(b, off, len);
            } else {
                memory.write(b, off, len);
            }
        }

        void close() throws IOException {
            if (out != null) {
                out.close();
            }
        }

        /** Closes and deletes what was written, after {@code cause}, which takes any failure of it. */
        void discard(Exception cause) {
            try {
                close();
            } catch (IOException e) {
                // A full disk fails the buffer's last flush again: the file goes all the same.
                cause.addSuppressed(e);
            }
            try {
                if (file != null) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }

        UploadedPart toPart(String name, String fileName, List<String[]> headers, Path location) {
            return new UploadedPart(name, fileName, headers, memory == null ? null : memory.toByteArray(), file, size,
                    location);
        }
    }
}
