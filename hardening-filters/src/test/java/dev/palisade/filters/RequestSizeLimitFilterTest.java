package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.FilterRegistration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class RequestSizeLimitFilterTest {
    static final int LIMIT = 64 * 1024;
    static final int CHUNK = 16 * 1024;

    @TempDir
    Path tempDir;

    final SizeLimitServlets servlets = new SizeLimitServlets();

    RunningServer start(Container container, RequestSizeLimitFilter filter) throws Exception {
        return container.start(ctx -> {
            FilterRegistration.Dynamic size = ctx.addFilter("size", filter);
            size.setAsyncSupported(true);
            size.addMappingForUrlPatterns(null, false, "/*");
            servlets.register(ctx, tempDir.toString());
        });
    }

    static RequestSizeLimitFilter filter() {
        return new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build());
    }

    static String chunkedHead(String path, String contentType) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: " + contentType
                + "\r\nX-Request-Id: size-test\r\n\r\n";
    }

    static byte[] filler(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    /** The ways an application reads a body: path, content type, what precedes the filler bytes. */
    enum ReadPath {
        STREAM("/stream", "application/octet-stream", ""),
        READER("/reader", "text/plain; charset=UTF-8", ""),
        PARAMS("/params", "application/x-www-form-urlencoded", "a="),
        PARTS("/parts", "multipart/form-data; boundary=XyZzy", "--XyZzy\r\nContent-Disposition: form-data; "
                + "name=\"file\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n");

        final String path;
        final String contentType;
        final String prefix;

        ReadPath(String path, String contentType, String prefix) {
            this.path = path;
            this.contentType = contentType;
            this.prefix = prefix;
        }
    }

    /**
     * Jetty closes at once on {@code Connection: close}. Default Tomcat first swallows up to its
     * {@code maxSwallowSize} (2 MiB), then closes; so keep writing up to 4 MiB: a server that drained
     * the whole body would keep the connection open past the read timeout.
     */
    static void assertConnectionEndsWithoutDrainingTheBody(RawHttp http) throws Exception {
        byte[] more = filler(64 * 1024);
        for (int i = 0; i < 64 && !http.writeFailed(); i++) {
            http.chunk(more);
        }
        assertThat(http.closedByServer()).as("connection closed by the server").isTrue();
    }

    static Stream<Arguments> everyContainerAndReadPath() {
        return Stream.of(Container.values())
                .flatMap(c -> Stream.of(ReadPath.values()).map(p -> Arguments.of(c, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndReadPath")
    void rejectsChunkedBodyPastLimit(Container container, ReadPath path) throws Exception {
        try (RunningServer server = start(container, filter()); RawHttp http = server.raw()) {
            http.send(chunkedHead(path.path, path.contentType));
            if (!path.prefix.isEmpty()) {
                http.chunk(path.prefix.getBytes(StandardCharsets.US_ASCII));
            }
            int sent = 0;
            while (sent <= LIMIT) {
                http.chunk(filler(CHUNK));
                sent += CHUNK;
            }
            // No last chunk: the answer must come while the body is still unfinished.
            RawHttp.Response r = http.readResponse();

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(r.body()).contains("\"status\":413").contains("\"requestId\":\"size-test\"");
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(servlets.readFailures).isNotEmpty();
            assertConnectionEndsWithoutDrainingTheBody(http);
        }
    }
}
