package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Behind Jetty's {@code GzipHandler} with request inflation, a gzip body reaches the filters
 * inflated and without its framing fields (Content-Length and Content-Encoding become
 * {@code X-Content-Length} and {@code X-Content-Encoding}). The limit must count the inflated
 * bytes: ten kilobytes on the wire can inflate to megabytes. Jetty only: Tomcat inflates no
 * request bodies.
 */
class RequestInflationTest {
    private static final int LIMIT = 64 * 1024;

    private final AtomicLong bytesRead = new AtomicLong(-1);

    private RunningServer start() throws Exception {
        return Container.startJettyInflatingRequests(ctx -> {
            Hardening.install(ctx, Hardening.builder()
                    .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build())
                    .build());
            ctx.addServlet("upload", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    byte[] body = req.getInputStream().readAllBytes();
                    bytesRead.set(body.length);
                    resp.getWriter().write("read " + body.length);
                }
            }).addMapping("/upload");
        });
    }

    private static byte[] gzipOfZeros(int inflatedSize) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(new byte[inflatedSize]);
        }
        return bytes.toByteArray();
    }

    /** GET too: a GET with a body is unusual, not impossible (search APIs take one), and the app may read it. */
    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "GET"})
    void refusesABodyThatInflatesPastTheLimitAndClosesTheConnection(String method) throws Exception {
        byte[] bomb = gzipOfZeros(10 * 1024 * 1024);
        assertThat(bomb.length).isLessThan(LIMIT);
        try (RunningServer server = start(); RawHttp http = server.raw()) {
            http.send(method + " /upload HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + bomb.length + "\r\n\r\n");
            http.send(bomb);
            RawHttp.Response r = http.readResponse();

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(bytesRead.get()).as("the application never got the inflated body").isEqualTo(-1);
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void passesABodyThatInflatesWithinTheLimit() throws Exception {
        byte[] small = gzipOfZeros(LIMIT - 1);
        try (RunningServer server = start(); RawHttp http = server.raw()) {
            http.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + small.length + "\r\n\r\n");
            http.send(small);
            RawHttp.Response r = http.readResponse();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("read " + (LIMIT - 1));
        }
    }
}
