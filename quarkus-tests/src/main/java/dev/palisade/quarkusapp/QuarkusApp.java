package dev.palisade.quarkusapp;

import dev.palisade.filters.ApiKeyAuthFilter;
import dev.palisade.filters.Hardening;
import dev.palisade.filters.RequestSizeLimitFilter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The application QuarkusTest starts: the kit installed by code, as the documentation recommends,
 * with a 64 KiB body limit (1 MiB under {@code /private/*}, so that a 401 can leave a body larger than
 * the chain reads and drops), no rate limit and one key for {@code /private/*}, and servlets that fail
 * in the ways the Quarkus findings describe.
 */
@WebListener
public class QuarkusApp implements ServletContextListener {
    /** The token QuarkusTest sends for {@code /private/*}. */
    public static final String KEY = "quarkus-test-key-0123456789";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Hardening.install(event.getServletContext(), Hardening.builder()
                .rateLimits(List.of())
                .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(64 * 1024)
                        .pathLimit("/private/*", 1024 * 1024).build())
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder()
                        .key(KEY, "quarkus", "tester")
                        .key(MANAGER_KEY, "ops", "manager")
                        .publicPath("/*")
                        .authenticated(null, "/private/*")
                        .authenticated(null, "/dispatch/*")
                        .rule(null, "/admin/*", "manager")
                        .build())
                .build());
    }

    /** A key with the manager role, which {@link #KEY} lacks, for the dispatch servlets. */
    public static final String MANAGER_KEY = "manager-token-0123456789";

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

    /** Reads the body through getInputStream and says how many bytes it read. */
    @WebServlet(urlPatterns = {"/stream", "/private/stream"}, asyncSupported = true)
    public static class Stream extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            long read = request.getInputStream().transferTo(OutputStream.nullOutputStream());
            response.getWriter().write("stream " + read);
        }
    }

    /**
     * Commits a response of many lines (2,000, or the {@code lines} parameter's number), then fails,
     * leaving any request body unread.
     */
    @WebServlet(urlPatterns = "/throwcommitted", asyncSupported = true)
    public static class ThrowsCommitted extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String asked = request.getParameter("lines");
            int lines = asked == null ? 2000 : Integer.parseInt(asked);
            response.setContentType("text/plain");
            PrintWriter out = response.getWriter();
            for (int i = 0; i < lines; i++) {
                out.println("line " + i + " of a response that will fail");
            }
            response.flushBuffer();
            throw new IllegalStateException("failed after the commit");
        }
    }

    /** Starts an async cycle of one second that nobody completes, committed first. */
    @WebServlet(urlPatterns = "/asynctimeout", asyncSupported = true)
    public static class TimesOut extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AsyncContext async = request.startAsync();
            async.setTimeout(1000);
            response.getWriter().write("partial");
            response.flushBuffer();
        }
    }

    /** An {@code AsyncContext.start} task that commits, then fails; the cycle's timeout is 30 s. */
    @WebServlet(urlPatterns = "/taskfails", asyncSupported = true)
    public static class TaskFails extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync();
            async.setTimeout(30_000);
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
            long read = request.getInputStream().transferTo(OutputStream.nullOutputStream());
            response.getOutputStream().write(("done " + read + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** 50 MiB of download, for a client that leaves in the middle. */
    @WebServlet(urlPatterns = "/large", asyncSupported = true)
    public static class Large extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("application/octet-stream");
            OutputStream out = response.getOutputStream();
            byte[] block = new byte[64 * 1024];
            Arrays.fill(block, (byte) 'x');
            for (int i = 0; i < 50 * 16; i++) {
                out.write(block);
            }
        }
    }

    /** Fails before anything was written: the chain's problem answer. */
    @WebServlet(urlPatterns = "/throws", asyncSupported = true)
    public static class Throws extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) {
            throw new IllegalStateException("secret detail jane@example.com");
        }
    }
}
