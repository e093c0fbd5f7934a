package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * The limit a request's path gets, with the mapping a container reports given as a container
 * reported it: Jetty 12.0 (not in this build's containers) leaves {@code ..} after a segment with
 * a path parameter unresolved in the mapped path, where 12.1 and Tomcat resolve it.
 */
class SizeLimitForPathTest {
    private static final RequestSizeLimitFilter.Config CONFIG = RequestSizeLimitFilter.Config.builder()
            .maxBytes(65_536).pathLimit("/upload/*", 1_000_000).pathLimit("/avatar/*", 100).build();

    @Test
    void aStricterLimitHoldsWhenTheContainerLeftTheDotSegmentsInTheMappedPath() {
        assertThat(RequestSizeLimitFilter.limitFor(CONFIG, request("/x;v=1/../avatar/a", "/x/../avatar/a")))
                .as("Jetty 12.0's mapping").isEqualTo(100);
        assertThat(RequestSizeLimitFilter.limitFor(CONFIG, request("/x;v=1/../avatar/a", "/avatar/a")))
                .as("Jetty 12.1's and Tomcat's").isEqualTo(100);
    }

    @Test
    void aLooserLimitComesOnlyThroughTheMappedPath() {
        assertThat(RequestSizeLimitFilter.limitFor(CONFIG, request("/x;v=1/../upload/a", "/x/../upload/a")))
                .isEqualTo(65_536);
        assertThat(RequestSizeLimitFilter.limitFor(CONFIG, request("/x;v=1/../upload/a", "/upload/a")))
                .isEqualTo(1_000_000);
        assertThat(RequestSizeLimitFilter.limitFor(CONFIG, request("/avatar;v=1/../upload/a", "/upload/a")))
                .as("the raw spelling's stricter limit").isEqualTo(100);
    }

    private static HttpServletRequest request(String uri, String servletPath) {
        return (HttpServletRequest) Proxy.newProxyInstance(SizeLimitForPathTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRequestURI" -> uri;
                    case "getContextPath" -> "";
                    case "getServletPath" -> servletPath;
                    default -> null;
                });
    }
}
