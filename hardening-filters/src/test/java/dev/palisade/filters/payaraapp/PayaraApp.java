package dev.palisade.filters.payaraapp;

import dev.palisade.filters.ApiKeyAuthFilter;
import dev.palisade.filters.Hardening;
import dev.palisade.filters.RequestSizeLimitFilter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The web application PayaraTest deploys on Payara Micro: the kit installed by code (as the
 * documentation recommends) with a 64 KiB body limit and no rate limit, and servlets that fail in
 * the ways the Payara findings describe. Its own package, so that the WAR holds these classes alone.
 */
@WebListener
public class PayaraApp implements ServletContextListener {
    /** The request attribute holding the latch the request thread counts down on its way out. */
    private static final String RETURNED = PayaraApp.class.getName() + ".returned";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        // Outside the chain, so that async code can act after the request thread has left it.
        FilterRegistration.Dynamic returnLatch = event.getServletContext().addFilter("return-latch",
                (Filter) (request, response, chain) -> {
                    CountDownLatch returned = new CountDownLatch(1);
                    request.setAttribute(RETURNED, returned);
                    try {
                        chain.doFilter(request, response);
                    } finally {
                        returned.countDown();
                    }
                });
        returnLatch.setAsyncSupported(true);
        returnLatch.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        Hardening.install(event.getServletContext(), Hardening.builder()
                .rateLimits(List.of())
                .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(64 * 1024).build())
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder()
                        .key(MANAGER_KEY, "ops", "manager")
                        .key(SYSTEM_KEY, "sys", "system")
                        // Every other servlet here is public: the keys matter to the dispatch servlets alone.
                        .rules("/*=public; /dispatch/*=authenticated; /admin/*=manager")
                        .build())
                .build());
    }

    /** A key with the manager role, for the dispatch servlets. */
    public static final String MANAGER_KEY = "manager-token-0123456789";
    /** A key without it. */
    public static final String SYSTEM_KEY = "system-token-0123456789A";

    /** The route only the manager role may reach: says who reached it. */
    @WebServlet(urlPatterns = "/admin/*", asyncSupported = true)
    public static class Admin extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().write("admin " + request.getRemoteUser());
        }
    }

    /** Reaches {@code /admin/x} by a forward, an include or an async dispatch, as its path says. */
    @WebServlet(urlPatterns = "/dispatch/*", asyncSupported = true)
    public static class DispatchesToAdmin extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            switch (String.valueOf(request.getPathInfo())) {
                case "/forward" -> request.getRequestDispatcher("/admin/x").forward(request, response);
                case "/include" -> {
                    response.getWriter().write("[page]");
                    request.getRequestDispatcher("/admin/x").include(request, response);
                }
                case "/async" -> request.startAsync().dispatch("/admin/x");
                default -> response.sendError(404);
            }
        }
    }

    /** The default servlet's place: every request meets the chain. */
    @WebServlet(urlPatterns = "/", asyncSupported = true)
    public static class NotFound extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.sendError(404);
        }
    }

    /** Reads the body through getInputStream. */
    @WebServlet(urlPatterns = "/stream", asyncSupported = true)
    public static class Stream extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            long read = request.getInputStream().transferTo(OutputStream.nullOutputStream());
            response.getWriter().write("stream " + read);
        }
    }

    /** Reads the body through getReader. */
    @WebServlet(urlPatterns = "/reader", asyncSupported = true)
    public static class ReadsChars extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Reader in = request.getReader();
            long read = in.transferTo(Writer.nullWriter());
            response.getWriter().write("reader " + read);
        }
    }

    /** Parts, each at most 20,000 bytes (below the kit's limit, so that Payara's own limit answers). */
    @WebServlet(urlPatterns = "/parts", asyncSupported = true)
    @MultipartConfig(maxFileSize = 20_000)
    public static class Parts extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            StringBuilder names = new StringBuilder("parts");
            for (Part part : request.getParts()) {
                names.append(' ').append(part.getName()).append('=').append(part.getSize());
            }
            response.getWriter().write(names.toString());
        }
    }

    /** Commits a response of many lines, then fails. */
    @WebServlet(urlPatterns = "/throwcommitted", asyncSupported = true)
    public static class ThrowsCommitted extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            PrintWriter out = response.getWriter();
            for (int i = 0; i < 2000; i++) {
                out.println("line " + i + " of a response that will fail");
            }
            response.flushBuffer();
            throw new IllegalStateException("failed after the commit");
        }
    }

    /**
     * Starts an async cycle of one second that nobody completes, committed first with {@code ?commit},
     * given 202 by a task after the request thread returned with {@code ?accepted}.
     */
    @WebServlet(urlPatterns = "/asynctimeout", asyncSupported = true)
    public static class TimesOut extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AsyncContext async = request.startAsync();
            async.setTimeout(1000);
            if (request.getParameter("commit") != null) {
                response.getWriter().write("partial");
                response.flushBuffer();
            }
            if (request.getParameter("accepted") != null) {
                // A status async code sets through the chain's wrappers, then leaves the cycle to time out.
                CountDownLatch returned = (CountDownLatch) request.getAttribute(RETURNED);
                async.start(() -> {
                    try {
                        if (returned.await(10, TimeUnit.SECONDS)) {
                            response.setStatus(202);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
    }

    /**
     * An {@code AsyncContext.start} task that commits, then fails, in a cycle whose timeout (30 s) is
     * past the client's patience; a listener of the application's logs the events it hears.
     */
    @WebServlet(urlPatterns = "/taskfails", asyncSupported = true)
    public static class TaskFails extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TaskFails.class);

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync();
            async.setTimeout(30_000);
            String id = request.getParameter("case");
            async.addListener(new jakarta.servlet.AsyncListener() {
                @Override
                public void onComplete(jakarta.servlet.AsyncEvent event) {
                    LOG.info("listener of {} heard onComplete", id);
                }

                @Override
                public void onTimeout(jakarta.servlet.AsyncEvent event) {
                    LOG.info("listener of {} heard onTimeout", id);
                }

                @Override
                public void onError(jakarta.servlet.AsyncEvent event) {
                    LOG.info("listener of {} heard onError", id);
                }

                @Override
                public void onStartAsync(jakarta.servlet.AsyncEvent event) {
                    // Not restarted here.
                }
            });
            async.start(() -> {
                try {
                    response.getWriter().write("task started");
                    response.flushBuffer();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                throw new IllegalStateException("the task failed after the commit");
            });
        }
    }

    /** Commits, then reads the body (over the size limit, sent chunked). */
    @WebServlet(urlPatterns = "/commitread", asyncSupported = true)
    public static class CommitsThenReads extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getOutputStream().write("started\n".getBytes(StandardCharsets.US_ASCII));
            response.flushBuffer();
            InputStream in = request.getInputStream();
            long read = in.transferTo(OutputStream.nullOutputStream());
            response.getOutputStream().write(("done " + read + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** 50 MiB of download; its write failure thrown as it is, or in an UncheckedIOException with {@code ?unchecked}. */
    @WebServlet(urlPatterns = "/large", asyncSupported = true)
    public static class Large extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("application/octet-stream");
            OutputStream out = response.getOutputStream();
            byte[] block = new byte[64 * 1024];
            Arrays.fill(block, (byte) 'x');
            try {
                for (int i = 0; i < 50 * 16; i++) {
                    out.write(block);
                }
            } catch (IOException e) {
                if (request.getParameter("unchecked") != null) {
                    throw new UncheckedIOException(e);
                }
                throw e;
            }
        }
    }

    /**
     * A backend's connection closed under the application's call, as Grizzly reports it for any of
     * its connections (Payara's WebSocket client is Grizzly's): "Connection closed", raised on
     * Grizzly's own thread; the client of this request is still there.
     */
    @WebServlet(urlPatterns = "/backendclosed", asyncSupported = true)
    public static class BackendClosed extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            IOException closed = new IOException("Connection closed", new IOException("Connection reset by peer"));
            closed.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("org.glassfish.grizzly.asyncqueue.TaskQueue", "onClose", "TaskQueue.java", 1),
                new StackTraceElement("org.glassfish.grizzly.nio.AbstractNIOAsyncQueueWriter", "onClose", "A.java", 1),
                new StackTraceElement("org.glassfish.grizzly.nio.NIOConnection", "doClose", "N.java", 1),
                new StackTraceElement("java.lang.Thread", "run", "Thread.java", 1)});
            if (request.getParameter("wrapped") != null) {
                throw new IOException("backend call failed", closed);
            }
            throw closed;
        }
    }

    /** The request's parameters, each with its values' characters as code points: what the container decoded. */
    @WebServlet(urlPatterns = "/params", asyncSupported = true)
    public static class Params extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getQueryString() != null && request.getQueryString().startsWith("utf8")) {
                // As applications commonly do before reading parameters (not getParameter: it would parse first).
                request.setCharacterEncoding("UTF-8");
            }
            StringBuilder all = new StringBuilder();
            new java.util.TreeMap<>(request.getParameterMap()).forEach((name, values) -> {
                all.append(name).append('=');
                for (String value : values) {
                    value.codePoints().forEach(c -> all.append("U+").append(Integer.toHexString(c)).append(' '));
                }
                all.append(';');
            });
            response.getWriter().write(all.toString());
        }
    }
}
