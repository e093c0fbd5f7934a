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
}
