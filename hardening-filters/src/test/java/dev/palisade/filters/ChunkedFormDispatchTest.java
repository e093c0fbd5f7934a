package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A form sent chunked is parsed by the size filter's request (the containers' own parsers would read
 * past its count), and a dispatch's query string must reach the parameters as it does bare: the
 * filter kept the parameters of its first parse, so on Tomcat a forward's or an include's
 * parameters were missing once any parameter had been read (Tomcat's dispatch wrapper sits below the
 * filter's), and on both containers an asynchronous dispatch's (found by the drop-in parity review).
 * The answers expected are those of the bare containers.
 */
class ChunkedFormDispatchTest {

    static void deploy(ServletContext ctx) {
        Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
        var handler = ctx.addServlet("handler", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                // As a CSRF check does: one field read before the dispatch.
                String name = req.getParameter("name");
                switch (req.getPathInfo()) {
                    case "/forward" -> req.getRequestDispatcher("/view?msg=saved").forward(req, resp);
                    case "/include" -> {
                        resp.getWriter().write("[");
                        req.getRequestDispatcher("/view?msg=included").include(req, resp);
                        resp.getWriter().write("] after: msg=" + req.getParameter("msg") + " name=" + name);
                    }
                    case "/async" -> {
                        AsyncContext async = req.startAsync();
                        async.dispatch("/view?msg=done");
                    }
                    default -> resp.sendError(404);
                }
            }
        });
        handler.setAsyncSupported(true);
        handler.addMapping("/handler/*");
        ctx.addServlet("view", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("msg=" + String.join(",", values(req, "msg")) + " name="
                        + String.join(",", values(req, "name")));
            }
        }).addMapping("/view");
    }

    private static String[] values(HttpServletRequest req, String name) {
        String[] values = req.getParameterValues(name);
        return values == null ? new String[] {"null"} : values;
    }

    private static String post(RunningServer server, String path) throws IOException {
        byte[] form = "name=alice".getBytes(StandardCharsets.US_ASCII);
        try (RawHttp http = server.raw()) {
            http.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
            http.chunk(form).lastChunk();
            RawHttp.Response r = http.readResponse();
            assertThat(r.status()).isEqualTo(200);
            return r.body();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aForwardsQueryParametersComeFirstAndTheFormsStay(Container container) throws Exception {
        try (RunningServer server = container.start(ChunkedFormDispatchTest::deploy)) {
            assertThat(post(server, "/handler/forward")).isEqualTo("msg=saved name=alice");
            assertThat(post(server, "/handler/forward?msg=first")).isEqualTo("msg=saved,first name=alice");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anIncludesQueryParametersHoldOnlyWithinTheInclude(Container container) throws Exception {
        try (RunningServer server = container.start(ChunkedFormDispatchTest::deploy)) {
            assertThat(post(server, "/handler/include")).isEqualTo("[msg=included name=alice] after: msg=null name=alice");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anAsynchronousDispatchsQueryParametersComeFirstAndTheFormsStay(Container container) throws Exception {
        try (RunningServer server = container.start(ChunkedFormDispatchTest::deploy)) {
            assertThat(post(server, "/handler/async")).isEqualTo("msg=done name=alice");
        }
    }
}
