package dev.palisade.filters;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Servlets that read the body each way an application can, and echo what they saw. */
final class SizeLimitServlets {
    final AtomicInteger calls = new AtomicInteger();
    /** Exceptions the servlets saw while reading (class simple names). */
    final List<String> readFailures = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Registers /stream, /reader, /type, /params, /paramThenStream, /parts, /async, /committed (and the same under /upload/). */
    void register(ServletContext ctx, String tempDir) {
        add(ctx, "stream", new Echo() {
            @Override
            String read(HttpServletRequest req) throws IOException {
                try (InputStream in = req.getInputStream()) {
                    return "bytes=" + in.readAllBytes().length;
                }
            }
        }, "/stream", "/upload/stream");
        add(ctx, "reader", new Echo() {
            @Override
            String read(HttpServletRequest req) throws IOException {
                Reader reader = req.getReader();
                StringBuilder text = new StringBuilder();
                char[] buf = new char[4096];
                int n;
                while ((n = reader.read(buf)) >= 0) {
                    text.append(buf, 0, n);
                }
                return "chars=" + text.length() + " text=" + (text.length() > 40 ? "" : text);
            }
        }, "/reader");
        add(ctx, "type", new Echo() {
            @Override
            String read(HttpServletRequest req) {
                return "type=" + req.getContentType();
            }
        }, "/type");
        add(ctx, "params", new Echo() {
            @Override
            String read(HttpServletRequest req) {
                Map<String, List<String>> sorted = new TreeMap<>();
                req.getParameterMap().forEach((k, v) -> sorted.put(k, List.of(v)));
                StringBuilder out = new StringBuilder();
                sorted.forEach((k, v) -> out.append(k).append('=').append(v.size() == 1 && v.get(0).length() > 40
                        ? "len:" + v.get(0).length() : v).append(';'));
                return out + " first(q)=" + req.getParameter("q");
            }
        }, "/params");
        add(ctx, "paramThenStream", new Echo() {
            @Override
            String read(HttpServletRequest req) throws IOException {
                String a = req.getParameter("a");
                try (InputStream in = req.getInputStream()) {
                    return "a=" + a + " bytes=" + in.readAllBytes().length;
                }
            }
        }, "/paramThenStream");
        ctx.addServlet("flushThenParams", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().write("started;");
                resp.flushBuffer();
                resp.getWriter().write("a=" + req.getParameter("a"));
            }
        }).addMapping("/flushThenParams");
        ServletRegistration.Dynamic parts = add(ctx, "parts", new Echo() {
            @Override
            String read(HttpServletRequest req) throws IOException, ServletException {
                StringBuilder out = new StringBuilder();
                for (Part part : req.getParts()) {
                    byte[] content;
                    try (InputStream in = part.getInputStream()) {
                        content = in.readAllBytes();
                    }
                    out.append(part.getName()).append('[').append(part.getSubmittedFileName()).append(',')
                            .append(part.getSize()).append(',').append(sha(content)).append("];");
                }
                return out + " title=" + req.getParameter("title");
            }
        }, "/parts");
        parts.setMultipartConfig(new MultipartConfigElement(tempDir));
        ServletRegistration.Dynamic async = ctx.addServlet("async", new AsyncReader());
        async.setAsyncSupported(true);
        async.addMapping("/async");
        ctx.addServlet("committed", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                calls.incrementAndGet();
                resp.setContentType("text/plain");
                resp.getOutputStream().write("started ".getBytes(StandardCharsets.US_ASCII));
                resp.flushBuffer();
                try {
                    req.getInputStream().readAllBytes();
                } catch (IOException e) {
                    // The application gives up quietly; the filter must still break the connection.
                    readFailures.add(e.getClass().getSimpleName());
                }
            }
        }).addMapping("/committed");
    }

    private ServletRegistration.Dynamic add(ServletContext ctx, String name, Echo servlet, String... paths) {
        ServletRegistration.Dynamic reg = ctx.addServlet(name, servlet);
        reg.addMapping(paths);
        return reg;
    }

    static String sha(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the body one way and writes {@code 200 text/plain} with what it read. */
    private abstract class Echo extends HttpServlet {
        abstract String read(HttpServletRequest req) throws IOException, ServletException;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            calls.incrementAndGet();
            String result;
            try {
                result = read(req);
            } catch (IOException | ServletException | RuntimeException e) {
                readFailures.add(e.getClass().getSimpleName());
                throw e;
            }
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().write(result);
        }
    }

    /** Non-blocking reads through a ReadListener; an error becomes a 500, as in most applications. */
    private final class AsyncReader extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            calls.incrementAndGet();
            AsyncContext async = req.startAsync();
            ServletInputStream in = req.getInputStream();
            in.setReadListener(new ReadListener() {
                private long total;
                private final byte[] buf = new byte[8192];

                @Override
                public void onDataAvailable() throws IOException {
                    while (in.isReady()) {
                        int n = in.read(buf);
                        if (n < 0) {
                            return;
                        }
                        total += n;
                    }
                }

                @Override
                public void onAllDataRead() throws IOException {
                    resp.setContentType("text/plain");
                    resp.getWriter().write("async bytes=" + total);
                    async.complete();
                }

                @Override
                public void onError(Throwable t) {
                    readFailures.add("onError:" + t.getClass().getSimpleName());
                    resp.setStatus(500);
                    async.complete();
                }
            });
        }
    }
}
