package dev.palisade.filters.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.hpack.HpackDecoder;

/**
 * A raw HTTP/2 client (prior knowledge, h2c) for tests: writes frames as told, HPACK-encodes
 * header fields as literals (so connection-specific fields and odd pseudo-headers go out as they
 * are), and records every frame the server sends, decoding response header blocks.
 */
public final class RawH2 implements AutoCloseable {
    public static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8,
            CONTINUATION = 9;

    /** One frame the server sent, with a decoded header block for HEADERS. */
    public record Frame(int type, int flags, int stream, byte[] payload, Map<String, String> fields, String decodeError) {
        public boolean endStream() {
            return (flags & 1) != 0 && (type == DATA || type == HEADERS);
        }

        public int errorCode() {
            ByteBuffer b = ByteBuffer.wrap(payload);
            return type == RST_STREAM ? b.getInt() : type == GOAWAY ? b.getInt(4) : -1;
        }

        @Override
        public String toString() {
            String name = switch (type) {
                case DATA -> "DATA(" + payload.length + ")";
                case HEADERS -> "HEADERS" + (fields != null ? fields : "[undecodable: " + decodeError + "]");
                case RST_STREAM -> "RST_STREAM(code=" + errorCode() + ")";
                case SETTINGS -> "SETTINGS";
                case PING -> "PING";
                case GOAWAY -> "GOAWAY(last=" + ByteBuffer.wrap(payload).getInt(0) + ",code=" + errorCode() + ")";
                case WINDOW_UPDATE -> "WINDOW_UPDATE(" + ByteBuffer.wrap(payload).getInt() + ")";
                default -> "type" + type;
            };
            return "s" + stream + ":" + name + ((flags & 1) != 0 && (type == DATA || type == HEADERS) ? "+END_STREAM" : "");
        }
    }

    private final Socket socket;
    private final OutputStream out;
    public final List<Frame> all = new CopyOnWriteArrayList<>();
    /** Whether the server's PINGs are acknowledged as they come, as every client must (RFC 9113, section 6.7). */
    public volatile boolean acknowledgesPings = true;
    private final HpackDecoder decoder = new HpackDecoder(64 * 1024, System::nanoTime);
    private final Thread reader;
    volatile boolean eof;
    private final String authority;

    /** What the server answered to the HTTP/1.1 Upgrade request, up to its blank line (null for prior knowledge). */
    public final String upgradeResponse;

    public RawH2(String host, int port) throws IOException {
        this(host, port, null);
    }

    /**
     * With {@code upgradeRequest}, sends it over HTTP/1.1 first and reads the answer's head; on a
     * 101 goes on as HTTP/2 (the answer to that request is stream 1), else stops reading frames.
     */
    public RawH2(String host, int port, byte[] upgradeRequest) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(10_000);
        authority = host + ":" + port;
        out = socket.getOutputStream();
        String head = null;
        if (upgradeRequest != null) {
            out.write(upgradeRequest);
            out.flush();
            ByteArrayOutputStream h = new ByteArrayOutputStream();
            java.io.InputStream in = socket.getInputStream();
            int c;
            while ((c = in.read()) >= 0) {
                h.write(c);
                String t = h.toString(StandardCharsets.ISO_8859_1);
                if (t.endsWith("\r\n\r\n")) {
                    break;
                }
            }
            head = h.toString(StandardCharsets.ISO_8859_1);
        }
        upgradeResponse = head;
        if (head != null && !head.startsWith("HTTP/1.1 101")) {
            reader = null;
            return;
        }
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(SETTINGS, 0, 0, new byte[0]);
        reader = new Thread(this::readLoop, "raw-h2-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** After a refused upgrade: the rest of the HTTP/1.1 answer, until close or timeout. */
    public String restOfHttp1() throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        try {
            int n;
            while ((n = socket.getInputStream().read(b)) >= 0) {
                rest.write(b, 0, n);
            }
        } catch (IOException timeoutOrReset) {
            rest.write('~');
        }
        return rest.toString(StandardCharsets.ISO_8859_1);
    }

    private void readLoop() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ByteArrayOutputStream block = null;
            int blockStream = 0;
            int blockFlags = 0;
            while (true) {
                int len = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7FFFFFFF;
                byte[] payload = new byte[len];
                in.readFully(payload);
                if (type == SETTINGS && (flags & 1) == 0) {
                    frame(SETTINGS, 1, 0, new byte[0]);
                }
                if (type == PING && (flags & 1) == 0 && acknowledgesPings) {
                    frame(PING, 1, 0, payload);
                }
                if (type == DATA && len > 0) {
                    // As a client must, whatever the stream's state (one reset by the server may still
                    // get the DATA the server had queued): else the connection's window runs dry.
                    creditConnection(len);
                }
                if (type == HEADERS || type == CONTINUATION) {
                    if (type == HEADERS) {
                        block = new ByteArrayOutputStream();
                        blockStream = stream;
                        blockFlags = flags;
                        int offset = 0;
                        int pad = 0;
                        if ((flags & 0x8) != 0) {
                            pad = payload[0] & 0xFF;
                            offset = 1;
                        }
                        if ((flags & 0x20) != 0) {
                            offset += 5;
                        }
                        block.write(payload, offset, payload.length - offset - pad);
                    } else {
                        block.write(payload);
                    }
                    if ((flags & 0x4) != 0) {
                        Map<String, String> fields = null;
                        String error = null;
                        try {
                            MetaData md = decoder.decode(ByteBuffer.wrap(block.toByteArray()));
                            fields = new LinkedHashMap<>();
                            if (md instanceof MetaData.Response r) {
                                fields.put(":status", Integer.toString(r.getStatus()));
                            }
                            for (HttpField f : md.getHttpFields()) {
                                fields.merge(f.getName().toLowerCase(Locale.ROOT), f.getValue(), (a, b) -> a + ", " + b);
                            }
                        } catch (Exception e) {
                            error = e.toString();
                        }
                        Frame f = new Frame(HEADERS, blockFlags, blockStream, block.toByteArray(), fields, error);
                        arrived(f);
                    }
                    continue;
                }
                arrived(new Frame(type, flags, stream, payload, null, null));
            }
        } catch (IOException e) {
            synchronized (lock) {
                eof = true;
                lock.notifyAll();
            }
        }
    }

    public synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] head = new byte[9];
        head[0] = (byte) (payload.length >>> 16);
        head[1] = (byte) (payload.length >>> 8);
        head[2] = (byte) payload.length;
        head[3] = (byte) type;
        head[4] = (byte) flags;
        head[5] = (byte) (stream >>> 24);
        head[6] = (byte) (stream >>> 16);
        head[7] = (byte) (stream >>> 8);
        head[8] = (byte) stream;
        out.write(head);
        out.write(payload);
        out.flush();
    }

    /** HEADERS with the given fields as literal, never-indexed-free ones (names as given, so upper case goes as is). */
    public void headers(int stream, boolean endStream, String... namesAndValues) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            block.write(0x00);
            string(block, namesAndValues[i]);
            string(block, namesAndValues[i + 1]);
        }
        frame(HEADERS, 0x4 | (endStream ? 1 : 0), stream, block.toByteArray());
    }

    /** The usual request pseudo-headers, then {@code more}. */
    public void request(int stream, String method, String path, boolean endStream, String... more) throws IOException {
        List<String> fields = new ArrayList<>(List.of(":method", method, ":scheme", "http", ":authority", authority,
                ":path", path));
        fields.addAll(List.of(more));
        headers(stream, endStream, fields.toArray(String[]::new));
    }

    /** A GET of {@code path} without a body on {@code stream}, and what came for it (see {@link #await}). */
    public StreamResult get(int stream, String path, long millis) throws IOException, InterruptedException {
        request(stream, "GET", path, true);
        return await(stream, millis);
    }

    public void data(int stream, byte[] bytes, boolean endStream) throws IOException {
        frame(DATA, endStream ? 1 : 0, stream, bytes);
    }

    private static void string(ByteArrayOutputStream block, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        int n = bytes.length;
        if (n < 127) {
            block.write(n);
        } else {
            block.write(127);
            n -= 127;
            while (n >= 128) {
                block.write((n & 0x7F) | 0x80);
                n >>>= 7;
            }
            block.write(n);
        }
        block.write(bytes, 0, bytes.length);
    }

    private final Object lock = new Object();
    private final Map<Integer, Integer> consumed = new java.util.HashMap<>();

    private void arrived(Frame f) {
        synchronized (lock) {
            all.add(f);
            lock.notifyAll();
        }
    }

    /** Frames for {@code stream} (and any GOAWAY) until it ends (END_STREAM or RST) or the wait passes. */
    public StreamResult await(int stream, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<Frame> got = new ArrayList<>();
        Map<String, String> fields = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean ended = false;
        Integer reset = null;
        long settleUntil = 0;
        synchronized (lock) {
            int index = consumed.getOrDefault(stream, 0);
            while (true) {
                while (index < all.size()) {
                    Frame f = all.get(index++);
                    if (f.stream() != stream) {
                        continue;
                    }
                    got.add(f);
                    if (f.type() == HEADERS && f.fields() != null && fields == null) {
                        fields = f.fields();
                    }
                    if (f.type() == DATA) {
                        body.write(f.payload(), 0, f.payload().length);
                        if (f.payload().length > 0) {
                            try {
                                creditStream(stream, f.payload().length);
                            } catch (IOException ignored) {
                                // The connection is gone; the result says so.
                            }
                        }
                    }
                    if (f.endStream() && !ended) {
                        ended = true;
                        // A RST_STREAM right after END_STREAM: pick it up if it comes soon.
                        settleUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                    }
                    if (f.type() == RST_STREAM) {
                        reset = f.errorCode();
                        ended = true;
                        settleUntil = System.nanoTime();
                    }
                }
                long now = System.nanoTime();
                long until = ended ? Math.min(settleUntil, deadline) : deadline;
                if (eof || now >= until) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, until - now);
            }
            consumed.put(stream, index);
            boolean goAway = all.stream().anyMatch(f -> f.type() == GOAWAY);
            if (goAway) {
                all.stream().filter(f -> f.type() == GOAWAY).forEach(got::add);
            }
            return new StreamResult(fields, body.toString(StandardCharsets.UTF_8), ended, reset, goAway, eof, got);
        }
    }

    /** The error code of the first RST_STREAM the server sends on {@code stream}, or {@code null} if none came in time. */
    public Integer awaitReset(int stream, long millis) throws InterruptedException {
        Frame reset = awaitFrame(stream, RST_STREAM, millis);
        return reset == null ? null : reset.errorCode();
    }

    /** The first frame of {@code type} the server sends on {@code stream}, or {@code null} if none came in time. */
    public Frame awaitFrame(int stream, int type, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lock) {
            while (true) {
                for (Frame f : all) {
                    if (f.stream() == stream && f.type() == type) {
                        return f;
                    }
                }
                long left = deadline - System.nanoTime();
                if (eof || left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /**
     * Flow-control credit is given back in steps of {@link #CREDIT_STEP}, as real clients batch it: a
     * WINDOW_UPDATE per small DATA frame is what Tomcat's overhead protection counts against a client
     * (increments under its overheadWindowUpdateThreshold, 1024), answering GOAWAY ENHANCE_YOUR_CALM.
     * The step stays well under the initial 64 KiB windows, so a server never waits for credit.
     */
    private static final int CREDIT_STEP = 16 * 1024;
    private int connectionUncredited;
    private final Map<Integer, Integer> streamUncredited = new java.util.HashMap<>();

    private void creditConnection(int len) throws IOException {
        int delta;
        synchronized (lock) {
            connectionUncredited += len;
            if (connectionUncredited < CREDIT_STEP) {
                return;
            }
            delta = connectionUncredited;
            connectionUncredited = 0;
        }
        windowUpdate(0, delta);
    }

    private void creditStream(int stream, int len) throws IOException {
        int uncredited;
        synchronized (lock) {
            uncredited = streamUncredited.merge(stream, len, Integer::sum);
            if (uncredited < CREDIT_STEP) {
                return;
            }
            streamUncredited.put(stream, 0);
        }
        windowUpdate(stream, uncredited);
    }

    public void windowUpdate(int stream, int delta) throws IOException {
        frame(WINDOW_UPDATE, 0, stream, ByteBuffer.allocate(4).putInt(delta).array());
    }

    public record StreamResult(Map<String, String> fields, String body, boolean ended, Integer reset, boolean goAway,
            boolean connectionClosed, List<Frame> frames) {
        public int status() {
            return fields == null || fields.get(":status") == null ? 0 : Integer.parseInt(fields.get(":status"));
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
