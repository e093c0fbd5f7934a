package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawH2;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The size limit and its answers over HTTP/2 (h2c, prior knowledge), where a body has no chunked
 * framing and need not declare a length, and where a {@code Connection} field makes a response
 * malformed: the client's decoder (Jetty's, like browsers' and curl's) rejects the whole stream.
 */
class Http2Test {
    static final int LIMIT = 1024;

    @TempDir
    Path tempDir;

    final SizeLimitServlets servlets = new SizeLimitServlets();
    HttpClient client;

    @BeforeEach
    void startClient() throws Exception {
        client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.start();
    }

    @AfterEach
    void stopClient() throws Exception {
        client.stop();
    }

    RunningServer start(Container container) throws Exception {
        return container.startWithH2c(ctx -> {
            Hardening.install(ctx, Hardening.builder()
                    .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build())
                    .build());
            servlets.register(ctx, tempDir.toString());
            ServletRegistration.Dynamic fails = ctx.addServlet("fails", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    if (req.getPathInfo().equals("/async-task")) {
                        failOnATaskAfterTheCommit(req, resp);
                        return;
                    }
                    resp.setContentType("text/plain");
                    resp.getWriter().write("partial");
                    resp.flushBuffer();
                    if (req.getPathInfo().equals("/async-timeout")) {
                        req.startAsync(req, resp).setTimeout(100);
                        return;
                    }
                    if (req.getPathInfo().equals("/reads-too-much")) {
                        req.getInputStream().readAllBytes();
                    }
                    throw new IllegalStateException("failed after commit");
                }
            });
            fails.setAsyncSupported(true);
            fails.addMapping("/fails/*");
        });
    }

    static Stream<Arguments> everyContainerAndReadPath() {
        return Stream.of(Container.values()).flatMap(c -> Stream.of(RequestSizeLimitFilterTest.ReadPath.values())
                .map(p -> Arguments.of(c, p)));
    }

    /** The answer, whether or not the server read the whole request body. */
    record Answer(int status, String body, String version, boolean hasConnectionField, SocketAddress clientEnd,
            boolean failed) {
    }

    Answer send(Request request) throws Exception {
        return send(request, false);
    }

    /**
     * The answer; with {@code acceptNoResponse}, a stream that failed before its response's header
     * fields reached the client is an answer too (status 0, failed), not an error.
     */
    Answer send(Request request, boolean acceptNoResponse) throws Exception {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        request.timeout(20, TimeUnit.SECONDS).send(new BufferingResponseListener() {
            @Override
            public void onComplete(Result result) {
                if (result.getResponse().getStatus() == 0) {
                    if (acceptNoResponse && result.getRequest().getConnection() != null) {
                        answer.complete(new Answer(0, "", null, false,
                                result.getRequest().getConnection().getLocalSocketAddress(), true));
                    } else {
                        answer.completeExceptionally(result.getFailure());
                    }
                    return;
                }
                answer.complete(new Answer(result.getResponse().getStatus(), getContentAsString(),
                        result.getResponse().getVersion().asString(),
                        result.getResponse().getHeaders().contains(HttpHeader.CONNECTION),
                        result.getRequest().getConnection().getLocalSocketAddress(), result.isFailed()));
            }
        });
        return answer.get(30, TimeUnit.SECONDS);
    }

    Request post(RunningServer server, RequestSizeLimitFilterTest.ReadPath path, byte[] body, boolean declareLength) {
        byte[] content = (path.prefix + new String(body, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        Request request = client.newRequest(server.uri(path.path)).method(HttpMethod.POST)
                .headers(h -> h.put(HttpHeader.CONTENT_TYPE, path.contentType));
        // Without a known length the client sends DATA frames and no content-length field.
        return request.body(declareLength
                ? new BytesRequestContent(content)
                : new InputStreamRequestContent(new ByteArrayInputStream(content)));
    }

    static void assertTooLarge(Answer answer) {
        assertThat(answer.version()).isEqualTo("HTTP/2.0");
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body()).contains("\"status\":413").contains("\"title\":\"Content Too Large\"");
        assertThat(answer.hasConnectionField()).as("a connection-specific field in an HTTP/2 response").isFalse();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndReadPath")
    void aBodyWithoutLengthIsCountedAsItStreamsAndRefusedPastTheLimit(Container container,
            RequestSizeLimitFilterTest.ReadPath path) throws Exception {
        try (RunningServer server = start(container)) {
            Answer answer = send(post(server, path, RequestSizeLimitFilterTest.filler(16 * LIMIT), false));
            assertTooLarge(answer);
            assertThat(servlets.readFailures).isNotEmpty();
        }
    }

    /**
     * A form POST without a length over HTTP/2 is parameters on Jetty, and on Tomcat since 11.0.18
     * (before, it stayed for the application to read): with the filter as without it (the filter
     * once parsed it on the old Tomcat too, so the body an application read after
     * {@code getParameter} was gone, and then hid it from the new one).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFormWithoutLengthIsParametersWhereTheContainerMakesItSo(Container container) throws Exception {
        String[] answers = new String[2];
        for (int chain = 0; chain < 2; chain++) {
            boolean withChain = chain == 1;
            try (RunningServer server = container.startWithH2c(ctx -> {
                if (withChain) {
                    Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
                }
                servlets.register(ctx, tempDir.toString());
            })) {
                answers[chain] = send(client.newRequest(server.uri("/paramThenStream")).method(HttpMethod.POST)
                        .headers(h -> h.put(HttpHeader.CONTENT_TYPE, "application/x-www-form-urlencoded"))
                        .body(new InputStreamRequestContent(new ByteArrayInputStream(
                                "a=1&b=2".getBytes(StandardCharsets.US_ASCII))))).body();
            }
        }

        assertThat(answers[0]).isEqualTo("a=1 bytes=0");
        assertThat(answers[1]).isEqualTo(answers[0]);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aBodyDeclaredOverTheLimitIsRefusedBeforeTheApplicationAndTheConnectionServesTheNextRequest(
            Container container) throws Exception {
        try (RunningServer server = start(container)) {
            RequestSizeLimitFilterTest.ReadPath stream = RequestSizeLimitFilterTest.ReadPath.STREAM;
            Answer refused = send(post(server, stream, RequestSizeLimitFilterTest.filler(16 * LIMIT), true));
            assertTooLarge(refused);
            assertThat(servlets.calls).hasValue(0);

            // HTTP/2 refuses the stream, not the connection: other streams carry on.
            Answer next = send(post(server, stream, RequestSizeLimitFilterTest.filler(LIMIT / 2), false));
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("bytes=" + LIMIT / 2);
            assertThat(next.clientEnd()).isNotNull().isEqualTo(refused.clientEnd());
        }
    }

    /**
     * The stream must be reset, so that the client cannot take the half-written body for a whole
     * one, and only the stream: the connection carries on. On its own, Tomcat 11 ends the stream of
     * a synchronous failure cleanly (END_STREAM) even for its own ClientAbortException; see
     * ConnectionAbort for how the filters withhold it.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFailureAfterCommit")
    void aFailureAfterTheResponseWasCommittedResetsTheStreamNotTheConnection(Container container, String failure)
            throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            Request request = client.newRequest(server.uri("/fails/" + failure));
            boolean uploading = failure.equals("reads-too-much");
            if (uploading) {
                // Streamed without a declared length, so the application commits before the limit is crossed.
                request.method(HttpMethod.POST).body(new InputStreamRequestContent(
                        new ByteArrayInputStream(RequestSizeLimitFilterTest.filler(16 * LIMIT))));
            }
            // While the client is still uploading, the reset can fail the exchange before the
            // response's header fields are handed over: cut short all the same.
            Answer failed = send(request, uploading);
            assertThat(failed.status()).isIn(uploading ? List.of(0, 200) : List.of(200));
            assertThat(failed.failed()).as("the client saw the response was cut short").isTrue();
            if (!failure.equals("reads-too-much")) {
                assertThat(logs.text()).contains("after its response was committed");
            }

            Answer next = send(post(server, RequestSizeLimitFilterTest.ReadPath.STREAM, new byte[3], false));
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.clientEnd()).isNotNull().isEqualTo(failed.clientEnd());
        }
    }

    /** A task that writes and flushes part of the body, then fails; the async timeout is long (60 s). */
    static void failOnATaskAfterTheCommit(HttpServletRequest req, HttpServletResponse resp) {
        jakarta.servlet.AsyncContext async = req.startAsync(req, resp);
        async.setTimeout(60_000);
        async.start(() -> {
            try {
                resp.setContentType("text/plain");
                resp.getWriter().write("partial");
                resp.flushBuffer();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("task failed after commit");
        });
    }

    /**
     * A task that fails after committing its response: the stream is reset at once (not ended
     * cleanly, not at the async timeout, 60 s here), and the connection goes on serving.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aTaskFailingAfterTheCommitResetsTheStreamAtOnce(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class);
                RawH2 h2 = new RawH2("127.0.0.1", server.port())) {
            h2.request(1, "GET", "/fails/async-task", true);

            RawH2.StreamResult failed = h2.await(1, 10_000);

            assertThat(failed.status()).as(failed.frames().toString()).isEqualTo(200);
            assertThat(failed.body()).isEqualTo("partial");
            assertThat(failed.reset()).as("reset within 10 s: " + failed.frames()).isNotNull();
            assertThat(failed.frames()).as("not ended cleanly").noneMatch(RawH2.Frame::endStream);
            assertThat(failed.goAway()).isFalse();
            assertThat(logs.text()).contains("failed in an asynchronous task after its response was committed");

            h2.request(3, "GET", "/fails/async-task", true);
            assertThat(h2.await(3, 10_000).reset()).as("the connection serves the next stream").isNotNull();
            // And goes on after two resets (Tomcat's overhead protection is not tripped by them).
            h2.request(5, "GET", "/nothing-here", true);
            RawH2.StreamResult third = h2.await(5, 10_000);
            assertThat(third.status()).as(third.frames().toString()).isEqualTo(404);
            assertThat(third.goAway()).isFalse();
        }
    }

    static Stream<Arguments> everyContainerAndFailureAfterCommit() {
        return Stream.of(Container.values()).flatMap(c -> Stream.of("throws", "async-timeout", "reads-too-much")
                .map(failure -> Arguments.of(c, failure)));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aBodyWithinTheLimitIsReadWhole(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            RequestSizeLimitFilterTest.ReadPath path = container == Container.TOMCAT
                    ? RequestSizeLimitFilterTest.ReadPath.READER : RequestSizeLimitFilterTest.ReadPath.PARAMS;
            Answer answer = send(post(server, path, RequestSizeLimitFilterTest.filler(LIMIT - 2), false));
            assertThat(answer.version()).isEqualTo("HTTP/2.0");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).startsWith(path == RequestSizeLimitFilterTest.ReadPath.PARAMS
                    ? "a=len:" + (LIMIT - 2) + ";" : "chars=" + (LIMIT - 2));
        }
    }
}
