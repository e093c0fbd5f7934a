package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProblemResponseTest {

    @ParameterizedTest
    @EnumSource(Container.class)
    void writesProblemJsonWithRequestIdAndNoStore(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> ctx.addServlet("p", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setHeader("X-Content-Type-Options", "nosniff");
                resp.getWriter().write("partial body that must not survive");
                ProblemResponse.of(429).withHeader("Retry-After", "3").send(req, resp);
            }
        }).addMapping("/p"))) {
            RawHttp.Response r = RawHttp.exchange(server.port(),
                    "GET /p HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\nConnection: close\r\n\r\n");

            assertThat(r.status()).isEqualTo(429);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.header("X-Request-Id")).isEqualTo("abc-123");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            assertThat(r.header("Retry-After")).isEqualTo("3");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.body()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,"
                    + "\"detail\":\"Too many requests; retry after the delay given in Retry-After.\","
                    + "\"requestId\":\"abc-123\"}");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void replacesAnUnsafeIncomingRequestId(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> ctx.addServlet("p", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                ProblemResponse.of(404).send(req, resp);
            }
        }).addMapping("/p"))) {
            RawHttp.Response r = RawHttp.exchange(server.port(),
                    "GET /p HTTP/1.1\r\nHost: x\r\nX-Request-Id: <script>\"x\r\nConnection: close\r\n\r\n");

            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("X-Request-Id")).matches("[0-9a-f]{32}");
            assertThat(r.body()).contains("\"requestId\":\"" + r.header("X-Request-Id") + "\"");
        }
    }

    @Test
    void escapesEveryValueAndCapsTheDetail() {
        String json = ProblemResponse.json(400, "T\"<", "line1\nline2\u0001" + "x".repeat(500), "id");

        assertThat(json).contains("\"title\":\"T\\\"\\u003c\"");
        assertThat(json).contains("line1\\nline2\\u0001");
        assertThat(json).doesNotContain("x".repeat(ProblemResponse.MAX_DETAIL_LENGTH));
    }

    @Test
    void keepsTheBodyAsciiAndNeverSplitsASurrogatePair() {
        String json = ProblemResponse.json(400, "T", "Feld 'Größe' \u2028 " + "x".repeat(184) + "\uD83D\uDE00", "id");

        assertThat(json).contains("Feld 'Gr\\u00f6\\u00dfe' \\u2028 ").doesNotContain("\\ud83d");
        assertThat(json.chars().allMatch(c -> c >= 0x20 && c < 0x7F)).isTrue();
    }

    /**
     * The application set a charset that is not ASCII-compatible and then failed: the UTF-8 body
     * must not go out labelled with it.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void labelsTheBodyWithItsOwnCharsetWhenTheApplicationChoseAForeignOne(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> ctx.addServlet("p", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain;charset=UTF-16");
                ProblemResponse.of(409).send(req, resp);
            }
        }).addMapping("/p"))) {
            RawHttp.Response r = RawHttp.exchange(server.port(), "GET /p HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(r.status()).isEqualTo(409);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json").doesNotContainIgnoringCase("utf-16");
            assertThat(r.body()).startsWith("{\"type\":\"about:blank\"").contains("\"status\":409");
        }
    }

    /**
     * A charset the application set, or Tomcat took from the response's locale (English and French
     * map to ISO-8859-1 there), does not label the problem: JSON has no charset (found by review).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theProblemIsNotLabelledWithTheApplicationsCharset(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("safe", new SafeErrorFilter())
                    .addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), false, "/*");
            ctx.addServlet("app", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    if (req.getRequestURI().equals("/locale")) {
                        resp.setLocale(java.util.Locale.FRENCH);
                        throw new IllegalStateException("after setLocale");
                    }
                    resp.setCharacterEncoding("ISO-8859-1");
                    resp.sendError(409);
                }
            }).addMapping("/*");
        })) {
            for (String path : new String[] {"/locale", "/latin1"}) {
                RawHttp.Response r = RawHttp.exchange(server.port(),
                        "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

                assertThat(r.status()).as(path).isIn(409, 500);
                assertThat(r.header("Content-Type")).as(path).isEqualTo("application/problem+json");
            }
        }
    }

    @Test
    void refusesANonErrorStatus() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProblemResponse.of(200))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
