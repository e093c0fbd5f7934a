package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProblemsTest {
    /**
     * RFC 9457: an {@code about:blank} problem's title is the status code's reason phrase. The
     * codes here include those the containers answer before any filter runs (Jetty: 505 for an
     * HTTP/0.9 request line, 426 for an HTTP/2 preface on a plain HTTP/1.1 port, 501 for an unknown
     * method), which once got a generic "Client Error" or "Server Error".
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "400|Bad Request",
        "401|Unauthorized",
        "403|Forbidden",
        "404|Not Found",
        "405|Method Not Allowed",
        "409|Conflict",
        "415|Unsupported Media Type",
        "429|Too Many Requests",
        "500|Internal Server Error",
        "503|Service Unavailable",
        "413|Content Too Large",
        "416|Range Not Satisfiable",
        "422|Unprocessable Content",
        "426|Upgrade Required",
        "428|Precondition Required",
        "431|Request Header Fields Too Large",
        "451|Unavailable For Legal Reasons",
        "501|Not Implemented",
        "505|HTTP Version Not Supported",
        "511|Network Authentication Required",
        "499|Client Error",
        "599|Server Error",
    })
    void titlesAProblemWithTheRegisteredReasonPhrase(int status, String title) {
        assertThat(Problems.title(status)).isEqualTo(title);
    }

    /**
     * Every status a problem may carry has a title and a fixed sentence as its detail (the kit's own
     * tests take both from this class to check a body, so only this test notices one gone empty).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {400, 401, 403, 404, 405, 406, 408, 409, 410, 411, 413, 414,
        415, 421, 422, 429, 431, 499, 500, 503, 599})
    void givesEveryStatusATitleAndADetailSentence(int status) {
        assertThat(Problems.title(status)).isNotBlank();
        assertThat(Problems.detail(status)).isNotBlank().endsWith(".").doesNotContain("{", "}", "\"");
    }

    /** An unlisted 4xx is the client's doing and an unlisted 5xx the server's: the generic sentence says which. */
    @org.junit.jupiter.api.Test
    void anUnlistedStatusGetsTheGenericSentenceOfItsClass() {
        assertThat(Problems.detail(402)).isEqualTo(Problems.detail(499)).isEqualTo("The request cannot be processed.");
        assertThat(Problems.detail(502)).isEqualTo(Problems.detail(599))
                .isEqualTo("The server could not complete the request. Quote the request id when reporting it.");
    }
}
