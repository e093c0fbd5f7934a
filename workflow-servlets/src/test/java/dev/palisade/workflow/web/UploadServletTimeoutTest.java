package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Which failures of the container's multipart parse are a client too slow (408) rather than a
 * malformed body (400). The real paths, a Jetty server's minimum data rate, are in the reference
 * server's {@code SlowClientsTest}; the shapes here are the containers' wrappings of them.
 */
class UploadServletTimeoutTest {
    @Test
    void aReadTimeoutOrRateFailureAnywhereAmongTheCausesIsTooSlow() {
        // Tomcat: a read past connectionTimeout, inside its IOException and the ServletException.
        assertThat(UploadServlet.cameTooSlowly(new ServletException(new IOException(new SocketTimeoutException("read")))))
                .isTrue();
        // Jetty with the reference server's MinimumDataRate: Jetty's HttpException around a TimeoutException.
        assertThat(UploadServlet.cameTooSlowly(new ServletException(
                new IllegalStateException("408", new TimeoutException("request content slower than 256 B/s"))))).isTrue();
    }

    @Test
    void anyOtherFailureIsAMalformedBody() {
        assertThat(UploadServlet.cameTooSlowly(new ServletException("Missing content for multipart request"))).isFalse();
        assertThat(UploadServlet.cameTooSlowly(new ServletException(new IOException("Incomplete parts")))).isFalse();
    }
}
