package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chain in an application deployed at a context path ({@code /shop}), as a WAR usually is:
 * every path setting is relative to the context, and the context path in the raw URI opens no way
 * around the environment gate.
 */
class ContextPathTest {
    private static final String CONTEXT = "/shop";
    private static final String TOKEN = "manager-token-0123456789";

    private static void app(ServletContext ctx) {
        Hardening.install(ctx, Hardening.builder()
                .rateLimit(RateLimitFilter.Config.builder().rps(0.001).burst(3).build())
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/health").build())
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/api/debug/*").build())
                .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(64).pathLimit("/api/upload/*", 4096)
                        .pathLimit("/api/avatar/*", 16).build())
                .build());
        ctx.addServlet("health", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("ok");
            }
        }).addMapping("/health");
        ctx.addServlet("api", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("read " + req.getInputStream().readAllBytes().length);
            }
        }).addMapping("/api/*");
        ctx.addServlet("debug", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("debug trace");
            }
        }).addMapping("/api/debug/*");
        ctx.addServlet("notFound", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.sendError(404);
            }
        }).addMapping("/");
    }

    private static RawHttp.Response get(RunningServer server, String target, boolean withKey) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n"
                + (withKey ? "Authorization: Bearer " + TOKEN + "\r\n" : "") + "Connection: close\r\n\r\n");
    }

    private static RawHttp.Response post(RunningServer server, String target, int bytes) throws IOException {
        return RawHttp.exchange(server.port(), "POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TOKEN + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + bytes
                + "\r\nConnection: close\r\n\r\n" + "x".repeat(bytes));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void pathSettingsAreRelativeToTheContext(Container container) throws Exception {
        try (RunningServer server = container.startAt(CONTEXT, ContextPathTest::app)) {
            // Public and never rate limited: /health within the context.
            for (int i = 0; i < 4; i++) {
                RawHttp.Response health = get(server, CONTEXT + "/health", false);
                assertThat(health.status()).isEqualTo(200);
                assertThat(health.body()).isEqualTo("ok");
            }
            assertThat(get(server, CONTEXT + "/api/events", false).status()).isEqualTo(401);

            // The upload path's own limit, the default one elsewhere.
            RawHttp.Response upload = post(server, CONTEXT + "/api/upload/file", 1000);
            assertThat(upload.status()).isEqualTo(200);
            assertThat(upload.body()).isEqualTo("read 1000");
            assertThat(post(server, CONTEXT + "/api/events", 1000).status()).isEqualTo(413);

            // Burst 3, taken by the three /api requests above (the limit comes before authentication
            // in the chain): the rate limit applies to /api in the context, and /health was not counted.
            RawHttp.Response limited = get(server, CONTEXT + "/api/events", true);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).isNotNull();
        }
    }

    static Stream<Arguments> everyContainerAndDevOnlyTarget() {
        List<String> targets = List.of(
                CONTEXT + "/api/debug/trace",
                CONTEXT + "/api//debug/trace",
                CONTEXT + "/./api/debug/trace",
                CONTEXT + "/api/x/../debug/trace",
                CONTEXT + "/api/debug;p=1/trace",
                CONTEXT + "/api/%64ebug/trace",
                CONTEXT + "/API/debug/trace",
                CONTEXT + "/api/debug/trace/",
                "/sh%6Fp/api/debug/trace",
                "/shop;p=1/api/debug/trace",
                "//shop/api/debug/trace",
                "/x/..%2Fshop/api/debug/trace",
                // The raw view of a context reached through a dot segment (found by review, Tomcat: 200).
                "//x/../shop/api/debug/..;/x",
                "/x/../shop/api/debug/..;/x");
        return Stream.of(Container.values()).flatMap(c -> targets.stream().map(t -> Arguments.of(c, t)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndDevOnlyTarget")
    void aDevOnlyPathInTheContextIsNotReachableInProd(Container container, String target) throws Exception {
        try (RunningServer server = container.startAt(CONTEXT, ContextPathTest::app)) {
            RawHttp.Response r = get(server, target, true);

            assertThat(r.body()).doesNotContain("debug trace");
            assertThat(r.status()).isBetween(400, 499);
        }
    }

    static Stream<Arguments> everyContainerAndSpellingOfTheAvatarPath() {
        List<String> targets = List.of(
                CONTEXT + "/api/avatar/../upload/file",
                CONTEXT + "//api/avatar/../upload/file",
                CONTEXT + ";p=1/api/avatar/../upload/file",
                "/sh%6Fp/api/avatar/../upload/file",
                "//shop/api/avatar/../upload/file",
                "/x/../shop/api/avatar/../upload/file",
                "//x/../shop/api/avatar/../upload/file");
        return Stream.of(Container.values()).flatMap(c -> targets.stream().map(t -> Arguments.of(c, t,
                // Jetty refuses an empty segment itself (an ambiguous path).
                c == Container.JETTY && t.contains("//") ? 400 : 413)));
    }

    /**
     * A router matching segments as they came sends these to the avatar route, whose stricter limit
     * holds however the context is spelled (found by review: the context's other spellings were left
     * in the raw view, and so was a doubled slash); a spelling the container refuses gets its 400.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndSpellingOfTheAvatarPath")
    void theStricterLimitOfARawSpellingHoldsInTheContext(Container container, String target, int status)
            throws Exception {
        try (RunningServer server = container.startAt(CONTEXT, ContextPathTest::app)) {
            RawHttp.Response r = post(server, target, 40);

            assertThat(r.body()).doesNotContain("read 40");
            assertThat(r.status()).isEqualTo(status);
        }
    }

    /**
     * A raw URI that starts with the context's name but not at a segment's end ({@code /shop2}) is
     * no spelling of the context: the raw view stripped {@code /shop} from {@code /shop2/../shop/health}
     * all the same, and the public path answered 401 on Jetty (found by review).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aPublicPathReachedThroughAnotherSegmentStaysPublic(Container container) throws Exception {
        try (RunningServer server = container.startAt(CONTEXT, ContextPathTest::app)) {
            RawHttp.Response health = get(server, "/shop2/../shop/health", false);

            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aDevOnlyPathAnswersAsAnUnknownPathOfTheContext(Container container) throws Exception {
        try (RunningServer server = container.startAt(CONTEXT, ContextPathTest::app)) {
            RawHttp.Response gated = get(server, CONTEXT + "/api/debug/trace", true);
            RawHttp.Response unknown = get(server, CONTEXT + "/nothing-here", true);

            assertThat(gated.status()).isEqualTo(404).isEqualTo(unknown.status());
            assertThat(gated.header("Content-Type")).isEqualTo(unknown.header("Content-Type"));
            assertThat(gated.body().replaceAll("\"requestId\":\"[^\"]*\"", ""))
                    .isEqualTo(unknown.body().replaceAll("\"requestId\":\"[^\"]*\"", ""));
        }
    }
}
