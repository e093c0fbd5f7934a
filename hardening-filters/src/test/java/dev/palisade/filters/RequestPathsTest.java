package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

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
}
