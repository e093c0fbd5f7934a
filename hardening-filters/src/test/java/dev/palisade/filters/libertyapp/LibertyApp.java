package dev.palisade.filters.libertyapp;

import dev.palisade.filters.ApiKeyAuthFilter;
import dev.palisade.filters.Hardening;
import dev.palisade.filters.RequestSizeLimitFilter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The web application LibertyTest deploys on Open Liberty: the kit installed by code (as the
 * documentation recommends) with a 64 KiB body limit and no rate limit, and servlets that fail in
 * the ways the Liberty findings describe. Its own package, so that the WAR holds these classes alone.
 */
@WebListener
public class LibertyApp implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
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

    /** Reads a form's parameter. */
    @WebServlet(urlPatterns = "/param", asyncSupported = true)
    public static class Param extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String a = request.getParameter("a");
            response.getWriter().write("param a=" + (a == null ? "null" : a.length()));
        }
    }

    /** Every parameter as the application sees it, names sorted, non-ASCII characters as escapes. */
    @WebServlet(urlPatterns = "/params", asyncSupported = true)
    public static class Params extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getHeader("X-Container-First") != null) {
                // As a filter ahead of the chain would: Liberty parses the form before the kit sees it.
                ServletRequest container = request;
                while (container instanceof ServletRequestWrapper wrapper) {
                    container = wrapper.getRequest();
                }
                container.getParameterMap();
            }
            String charset = request.getHeader("X-Read-As");
            if (charset != null) {
                request.setCharacterEncoding(charset);
            }
            StringBuilder listed = new StringBuilder();
            new TreeMap<>(request.getParameterMap()).forEach((name, values) -> {
                listed.append(escaped(name)).append('=');
                for (String value : values) {
                    listed.append('[').append(escaped(value)).append(']');
                }
                listed.append(';');
            });
            response.getWriter().write("params " + listed);
        }

        private static String escaped(String text) {
            StringBuilder out = new StringBuilder();
            text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                    : String.format(Locale.ROOT, "\\u%04x", c)));
            return out.toString();
        }
    }

    /**
     * Lists its parameters, includes {@link Params} with a query of its own (which sets the request's
     * encoding to the {@code X-Read-As} header's value before it lists them), and lists them again.
     */
    @WebServlet(urlPatterns = "/includes", asyncSupported = true)
    public static class IncludesParams extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            String before = String.valueOf(request.getParameter("q").chars().boxed().toList());
            response.getWriter().write("before " + before + " | ");
            request.getRequestDispatcher("/params?f=1").include(request, response);
            response.getWriter().write(" | after " + request.getParameter("q").chars().boxed().toList());
        }
    }

    /** Parts, each at most 20,000 bytes (below the kit's limit, so that Liberty's own limit answers). */
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

    /** Commits a response of many lines, then fails; with {@code ?async}, after starting an async cycle. */
    @WebServlet(urlPatterns = "/throwcommitted", asyncSupported = true)
    public static class ThrowsCommitted extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getParameter("async") != null) {
                request.startAsync().setTimeout(5000);
            }
            response.setContentType("text/plain");
            PrintWriter out = response.getWriter();
            for (int i = 0; i < 2000; i++) {
                out.println("line " + i + " of a response that will fail");
            }
            response.flushBuffer();
            throw new IllegalStateException("SECRET failed after the commit");
        }
    }

    /** A task given to AsyncContext.start that fails, after committing its response with {@code ?commit}. */
    @WebServlet(urlPatterns = "/taskthrows", asyncSupported = true)
    public static class TaskThrows extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync(request, response);
            async.setTimeout(10_000);
            boolean commit = request.getParameter("commit") != null;
            async.start(() -> {
                if (commit) {
                    try {
                        response.getWriter().write("partial");
                        response.flushBuffer();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                throw new IllegalStateException("SECRET task failure");
            });
        }
    }

    /** Starts an async cycle of one second that nobody completes, committed first with {@code ?commit}. */
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
        }
    }

    /** An ordinary async answer from a task, with a listener of the application's, as most async code has. */
    @WebServlet(urlPatterns = "/asyncok", asyncSupported = true)
    public static class AsyncOk extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync(request, response);
            async.addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent event) {
                    event.getAsyncContext();
                }

                @Override
                public void onTimeout(AsyncEvent event) {
                    event.getAsyncContext().complete();
                }

                @Override
                public void onError(AsyncEvent event) {
                    event.getAsyncContext().complete();
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                    // One cycle only.
                }
            });
            async.start(() -> {
                try {
                    async.getResponse().getWriter().write("async ok");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                async.complete();
            });
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
}
