package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The application's own log lines, written on the request's thread, carry the request id in the
 * MDC ({@code %X{requestId}}); after the request the thread's MDC is as it was before.
 */
class RequestIdInMdcTest {
    private final List<String> afterwards = new CopyOnWriteArrayList<>();

    /** Outside the boundary: puts a value of its own, and notes what the MDC holds once the chain returns. */
    final class Outer implements Filter {
        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
            MDC.put(SafeErrorFilter.MDC_REQUEST_ID, "outer");
            try {
                chain.doFilter(req, res);
                afterwards.add(String.valueOf(MDC.get(SafeErrorFilter.MDC_REQUEST_ID)));
            } finally {
                MDC.remove(SafeErrorFilter.MDC_REQUEST_ID);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theApplicationsLogLinesCarryTheRequestId(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of("app");
                RunningServer server = container.start(ctx -> {
                    ctx.addFilter("outer", new Outer()).addMappingForUrlPatterns(null, false, "/*");
                    ctx.addFilter("errors", new SafeErrorFilter()).addMappingForUrlPatterns(null, false, "/*");
                    ctx.addServlet("app", new HttpServlet() {
                        @Override
                        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                            LoggerFactory.getLogger("app").info("handling");
                            resp.getWriter().write("ok");
                        }
                    }).addMapping("/*");
                })) {
            RawHttp.Response given = RawHttp.exchange(server.port(),
                    "GET /x HTTP/1.1\r\nHost: x\r\nX-Request-Id: mdc-1\r\nConnection: close\r\n\r\n");
            RawHttp.Response made = RawHttp.exchange(server.port(), "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(logs.events()).extracting(e -> e.getMDCPropertyMap().get(SafeErrorFilter.MDC_REQUEST_ID))
                    .containsExactly("mdc-1", made.header("X-Request-Id"));
            assertThat(given.header("X-Request-Id")).isEqualTo("mdc-1");
            assertThat(afterwards).containsExactly("outer", "outer");
        }
    }
}
