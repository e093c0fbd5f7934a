package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestPathsTest {

    @ParameterizedTest
    @CsvSource({
        "/api/debug/x, /api/debug/x",
        "/api//debug/x, /api/debug/x",
        "/api/./debug/x, /api/debug/x",
        "/api/x/../debug/x, /api/debug/x",
        "/api;x=1/debug;jsessionid=2/x, /api/debug/x",
        "/api%2Fdebug/x, /api/debug/x",
        "/api/%2e%2e/api/debug, /api/debug",
        "/api\\debug\\x, /api/debug/x",
        "/api/debug/..;/x, /api/x",
        "/api/%C3%A9, /api/%C3%A9",
        "/, /",
        "'', /",
        "/;x/admin, /admin",
        "/a%20b%09c, '/a b\tc'",
        "/a/%80, /a/%80",
    })
    void normalisesTheRawPathAsARouterMight(String raw, String expected) {
        assertThat(RequestPaths.normalize(raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"/../etc", "/api/%zz", "/api/%2", "/api/%\u06641", "/api/%\uFF11\uFF11"})
    void refusesPathsThatCannotBeNormalised(String raw) {
        assertThat(RequestPaths.normalize(raw)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"/API//Debug/, /api/debug", "/, /", "//, /", "/a/b, /a/b"})
    void comparesWithoutCaseRepeatedOrTrailingSlashes(String path, String expected) {
        assertThat(RequestPaths.comparable(path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"/api/x, true", "/a.b/c-d_e~, true", "'', false", "api, false", "'/a b', false", "/a\u007f, false",
        "/caf\u00e9, false", "/a%41, false", "/a;b, false", "/a\\b, false", "//a, false", "/./a, false", "/.well-known, false"})
    void aPlainUriIsOneNoNormaliserWouldChange(String uri, boolean plain) {
        assertThat(RequestPaths.isPlain(uri, 0)).isEqualTo(plain);
    }

    @Test
    void theViewsOfARequestKeepOrResolveItsSpelling() {
        HttpServletRequest r = request("/shop", "/shop/api;v=1/..;/admin/", "/admin", null);
        assertThat(RequestPaths.literal(r)).isEqualTo("/api/../admin/");
        assertThat(RequestPaths.normalizedRaw(r)).isEqualTo("/admin");
        assertThat(RequestPaths.mapped(r)).isEqualTo("/admin");
        // The context spelled otherwise than the container reports it: its segments are what it took.
        assertThat(RequestPaths.literal(request("/a/b", "/%61/b/api", "/api", null))).isEqualTo("/api");
        assertThat(RequestPaths.literal(request("", "/;x/admin", "/admin", null))).isEqualTo("//admin");
        assertThat(RequestPaths.literal(request("/shop", "/;x/shop/api;y/../admin", "/admin", null))).isEqualTo("/api/../admin");
        assertThat(RequestPaths.normalizedRaw(request("/shop", "/shop", "", null))).isEqualTo("/");
        assertThat(RequestPaths.mapped(request("", "/x", "", "/x"))).isEqualTo("/x");
        assertThat(RequestPaths.mapped(request("", "/api/x", "/api", "/x"))).isEqualTo("/api/x");
        assertThat(RequestPaths.mapped(request("", "/", "", null))).isEqualTo("/");
        assertThat(RequestPaths.withoutTrailingSlash("/a/")).isEqualTo("/a");
        assertThat(RequestPaths.withoutTrailingSlash("/")).isNull();
    }

    private static HttpServletRequest request(String context, String uri, String servletPath, String pathInfo) {
        return (HttpServletRequest) Proxy.newProxyInstance(RequestPathsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getContextPath" -> context;
                    case "getRequestURI" -> uri;
                    case "getServletPath" -> servletPath;
                    case "getPathInfo" -> pathInfo;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
