package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.AppErrorPage;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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
        return container.start(ctx -> register(ctx, filter));
    }

    private void register(jakarta.servlet.ServletContext ctx, RequestSizeLimitFilter filter) {
        FilterRegistration.Dynamic size = ctx.addFilter("size", filter);
        size.setAsyncSupported(true);
        size.addMappingForUrlPatterns(null, false, "/*");
        servlets.register(ctx, tempDir.toString());
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
     * The client sends nothing more after the answer: a server that drained the rest of the body
     * (Tomcat does, up to its {@code maxSwallowSize}, unless the connection is aborted) would wait
     * for it and keep the connection open until the read times out.
     */
    static void assertConnectionEndsWithoutDrainingTheBody(RawHttp http) throws Exception {
        assertThat(http.closedByServer()).as("connection closed by the server without waiting for the body").isTrue();
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

    static void assertProblem(RawHttp.Response r, int status) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
        assertThat(r.body()).contains("\"status\":" + status);
        assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void rejectsDeclaredLengthOverLimitBeforeReading(Container container) throws Exception {
        RequestSizeLimitFilter filter = filter();
        try (RunningServer server = start(container, filter); RawHttp http = server.raw()) {
            http.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + (LIMIT + 1) + "\r\n\r\n");
            // Not a byte of body sent: the answer cannot depend on reading it.
            RawHttp.Response r = http.readResponse();

            assertProblem(r, 413);
            assertThat(servlets.calls).hasValue(0);
            assertThat(filter.rejectedCount()).isEqualTo(1);
            assertConnectionEndsWithoutDrainingTheBody(http);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void acceptsDeclaredLengthAtTheLimit(Container container) throws Exception {
        try (RunningServer server = start(container, filter()); RawHttp http = server.raw()) {
            http.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Connection: close\r\nContent-Length: " + LIMIT + "\r\n\r\n");
            http.send(filler(LIMIT));
            RawHttp.Response r = http.readResponse();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("bytes=" + LIMIT);
        }
    }

    /**
     * {@code Expect: 100-continue} with a length over the limit: the 413 must come before any
     * {@code 100 Continue}, so that the client never sends the body. Jetty sends 100 only when the
     * application first reads; Tomcat by default sends it before any filter runs
     * ({@code continueResponseTiming="immediately"}, documented), and then the 413 follows.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void answersAnExpectContinueRequestOverTheLimitBeforeAnyContinue(Container container) throws Exception {
        try (RunningServer server = start(container, filter()); RawHttp http = server.raw()) {
            http.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Expect: 100-continue\r\nContent-Length: " + (16 * LIMIT) + "\r\n\r\n");
            RawHttp.Response first = http.readResponse();
            RawHttp.Response r = container == Container.TOMCAT && first.status() == 100 ? http.readResponse() : first;

            if (container == Container.JETTY) {
                assertThat(first.status()).as("no 100 Continue before the refusal").isEqualTo(413);
            }
            assertProblem(r, 413);
            assertThat(servlets.calls).hasValue(0);
            assertConnectionEndsWithoutDrainingTheBody(http);
        }
    }

    /** Within the limit the client gets its 100 Continue (when the application reads) and then the answer. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void acceptsAnExpectContinueRequestWithinTheLimit(Container container) throws Exception {
        try (RunningServer server = start(container, filter()); RawHttp http = server.raw()) {
            http.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " + LIMIT + "\r\n\r\n");
            assertThat(http.readResponse().status()).isEqualTo(100);
            http.send(filler(LIMIT));
            RawHttp.Response r = http.readResponse();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("bytes=" + LIMIT);
        }
    }

    /** How a body within the limit is framed. */
    enum Framing { CHUNKED, LENGTH }

    static Stream<Arguments> everyContainerAndFraming() {
        return Stream.of(Container.values()).flatMap(c -> Stream.of(Framing.values()).map(f -> Arguments.of(c, f)));
    }

    static RawHttp.Response post(RunningServer server, Framing framing, String target, String contentType, byte[] body)
            throws Exception {
        return send(server, "POST", framing, target, contentType, body);
    }

    static RawHttp.Response send(RunningServer server, String method, Framing framing, String target, String contentType,
            byte[] body) throws Exception {
        try (RawHttp http = server.raw()) {
            String head = method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
                    + contentType + "\r\n";
            if (framing == Framing.LENGTH) {
                http.send(head + "Content-Length: " + body.length + "\r\n\r\n").send(body);
            } else {
                http.send(head + "Transfer-Encoding: chunked\r\n\r\n");
                for (int off = 0; off < body.length; off += 1000) {
                    http.chunk(Arrays.copyOfRange(body, off, Math.min(body.length, off + 1000)));
                }
                http.lastChunk();
            }
            return http.readResponse();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFraming")
    void readsStreamAndReaderWithinLimit(Container container, Framing framing) throws Exception {
        try (RunningServer server = start(container, filter())) {
            RawHttp.Response stream = post(server, framing, "/stream", "application/octet-stream", filler(LIMIT));
            RawHttp.Response reader = post(server, framing, "/reader", "text/plain; charset=UTF-8",
                    "h\u00e9llo w\u00f6rld \u20ac".getBytes(StandardCharsets.UTF_8));

            assertThat(stream.body()).isEqualTo("bytes=" + LIMIT);
            assertThat(reader.body()).isEqualTo("chars=13 text=h\u00e9llo w\u00f6rld \u20ac");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFraming")
    void decodesFormParametersAndMergesTheQuery(Container container, Framing framing) throws Exception {
        try (RunningServer server = start(container, filter())) {
            RawHttp.Response r = post(server, framing, "/params?q=1&z=%C3%A9",
                    "application/x-www-form-urlencoded; charset=UTF-8",
                    "a=1&b=%C3%A9t%C3%A9+x&q=2&c=%E2%82%AC&empty=".getBytes(StandardCharsets.US_ASCII));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(
                    "a=[1];b=[\u00e9t\u00e9 x];c=[\u20ac];empty=[];q=[1, 2];z=[\u00e9]; first(q)=1");
        }
    }

    /**
     * A form reads the same chunked (the filter parses it) as with a length (the container does).
     * Bytes outside ASCII sent as they are (curl {@code --data 'a=é'}) are decoded in the body's
     * charset like escaped ones; the filter's parser kept them as ISO-8859-1 text ("Ã©") whenever
     * the value held no escape. Without a charset the container's own default applies: Jetty 12
     * decodes UTF-8, Tomcat ISO-8859-1 (the specification's), unless the context sets one
     * ({@code <request-character-encoding>}).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void decodesAFormAsTheContainerDoesWhicheverWayItIsFramed(Container container) throws Exception {
        byte[] body = "a=\u00e9t\u00e9&b=%C3%A9+\u00e9".getBytes(StandardCharsets.UTF_8);
        String utf8 = "a=[\u00e9t\u00e9];b=[\u00e9 \u00e9];";
        String latin1 = new String("\u00e9".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        try (RunningServer server = start(container, filter())) {
            for (Framing framing : Framing.values()) {
                assertThat(post(server, framing, "/params", FORM + "; charset=UTF-8", body).body()).as(framing.name())
                        .startsWith(utf8);
                assertThat(post(server, framing, "/params", FORM, body).body()).as(framing.name())
                        .startsWith(container == Container.JETTY ? utf8
                                : "a=[" + latin1 + "t" + latin1 + "];b=[" + latin1 + " " + latin1 + "];");
            }
        }
        try (RunningServer server = container.start(ctx -> {
            ctx.setRequestCharacterEncoding("UTF-8");
            register(ctx, filter());
        })) {
            for (Framing framing : Framing.values()) {
                assertThat(post(server, framing, "/params", FORM, body).body()).as(framing.name()).startsWith(utf8);
            }
        }
    }

    /**
     * Jetty accepts bytes outside ASCII in the request target (Tomcat refuses them before any
     * filter) and hands them out decoded; with an escape beside them in the same value, the
     * filter's parser read them as bytes and refused the UTF-8 it could no longer decode.
     */
    @Test
    void mergesAQueryWithUnescapedUtf8AsJettyDoes() throws Exception {
        String raw = new String("\u00e9".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        try (RunningServer server = start(Container.JETTY, filter())) {
            for (Framing framing : Framing.values()) {
                RawHttp.Response r = post(server, framing, "/params?s=" + raw + "&t=%C3%A9+" + raw, FORM,
                        "a=1".getBytes(StandardCharsets.US_ASCII));
                assertThat(r.body()).as(framing.name()).startsWith("a=[1];s=[\u00e9];t=[\u00e9 \u00e9];");
            }
        }
    }

    /**
     * A file name in RFC 5987 form ({@code filename*}, RFC 7578 section 4.2; some client libraries
     * send it for names outside ASCII) is read as both containers read it, chunked too; the
     * filter's parser reported no file name at all.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void readsAnExtendedFileNameWhicheverWayThePartsAreFramed(Container container) throws Exception {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ete.txt\"; "
                + "filename*=UTF-8''%C3%A9t%C3%A9.txt\r\nContent-Type: text/plain\r\n\r\nabc\r\n--" + BOUNDARY + "--\r\n";
        try (RunningServer server = start(container, filter())) {
            for (Framing framing : Framing.values()) {
                RawHttp.Response r = post(server, framing, "/parts", "multipart/form-data; boundary=" + BOUNDARY,
                        body.getBytes(StandardCharsets.US_ASCII));
                assertThat(r.body()).as(framing.name()).startsWith("file[\u00e9t\u00e9.txt,3,");
            }
        }
    }

    static final String BOUNDARY = "----pal1sade";
    static final String FORM = "application/x-www-form-urlencoded";

    /**
     * A charset the JVM does not know is the client's mistake, whichever way the body is read and
     * framed: 415. (Jetty's own {@code getContentType()} throws on one, Tomcat's form parser ignores it.)
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFraming")
    void answersAnUnknownCharsetWith415(Container container, Framing framing) throws Exception {
        try (RunningServer server = start(container, filter())) {
            RawHttp.Response reader = post(server, framing, "/reader", "text/plain; charset=x-no-such", filler(10));
            RawHttp.Response form = post(server, framing, "/params", "application/x-www-form-urlencoded; charset=x-no-such",
                    "a=1".getBytes(StandardCharsets.US_ASCII));

            assertProblem(reader, 415);
            assertProblem(form, 415);
            // Only asking for the type: Jetty's getContentType() throws on the charset, Tomcat's does not.
            RawHttp.Response type = post(server, framing, "/type", "text/plain; charset=x-no-such", filler(10));
            if (container == Container.JETTY) {
                assertProblem(type, 415);
            } else {
                assertThat(type.body()).isEqualTo("type=text/plain; charset=x-no-such");
            }
        }
    }

    /**
     * Without a length, parts are read from {@code multipart/form-data} alone. Tomcat would parse any
     * other {@code multipart/} type itself, uncounted, to the end of a body of any size; Jetty refuses
     * one (a 400). Both answer 415, the application's getParts() failing.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndOtherMultipartType")
    void refusesPartsOfAnotherMultipartTypeWithoutLengthWith415(Container container, String type) throws Exception {
        try (RunningServer server = start(container, filter()); RawHttp http = server.raw()) {
            http.send(chunkedHead("/parts", type + "; boundary=XyZzy"));
            http.chunk(ReadPath.PARTS.prefix.getBytes(StandardCharsets.US_ASCII));
            for (int sent = 0; sent <= LIMIT; sent += CHUNK) {
                http.chunk(filler(CHUNK));
            }
            http.chunk("\r\n--XyZzy--\r\n".getBytes(StandardCharsets.US_ASCII)).lastChunk();
            RawHttp.Response r = http.readResponse();

            assertProblem(r, 415);
            assertThat(r.body()).contains("\"requestId\":\"size-test\"");
            assertThat(servlets.readFailures).isNotEmpty();
        }
    }

    /**
     * Parts come from a multipart body alone: a body that is not multipart is a 415 and a
     * form-data body without a boundary a 400 (Tomcat's own parser answers that with a 500), with a
     * length or without. Another multipart/ type with a length is the container's to parse, as it
     * was (Tomcat does, and Spring's resolver accepts any); without one, see the test above.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFraming")
    void refusesPartsOfABodyThatIsNotMultipartOrHasNoBoundary(Container container, Framing framing) throws Exception {
        byte[] part = ReadPath.PARTS.prefix.replace("XyZzy", "B").concat("abc\r\n--B--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (RunningServer server = start(container, filter())) {
            assertProblem(post(server, framing, "/parts", "application/json", "{}".getBytes(StandardCharsets.US_ASCII)), 415);
            assertProblem(post(server, framing, "/parts", "multipart/form-data", part), 400);
            assertThat(post(server, framing, "/parts", "multipart/form-data; boundary=B", part).status()).isEqualTo(200);
            RawHttp.Response mixed = post(server, framing, "/parts", "multipart/mixed; boundary=B", part);
            if (framing == Framing.CHUNKED) {
                assertProblem(mixed, 415);
            } else {
                assertThat(mixed.status()).isEqualTo(container == Container.TOMCAT ? 200 : 400);
            }
        }
    }

    /** An application that catches the refusal and later fails for another reason gets its own answer. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aCaughtPartsRefusalDoesNotDecideALaterFailure(Container container) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean refused = new java.util.concurrent.atomic.AtomicBoolean();
        try (RunningServer server = container.start(ctx -> {
            FilterRegistration.Dynamic reg = ctx.addFilter("size", filter());
            reg.addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("probes", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    try {
                        req.getParts();
                    } catch (jakarta.servlet.ServletException notMultipart) {
                        refused.set(true);
                    }
                    throw new IllegalStateException("unrelated");
                }
            }).addMapping("/probes");
        })) {
            RawHttp.Response r = post(server, Framing.LENGTH, "/probes", "application/json", "{}".getBytes(StandardCharsets.US_ASCII));

            assertThat(refused).isTrue();
            assertThat(r.status()).isEqualTo(500);
        }
    }

    static Stream<Arguments> everyContainerAndOtherMultipartType() {
        return Stream.of(Container.values()).flatMap(c -> Stream.of("multipart/mixed", "Multipart/Related",
                "multipart/form-datax").map(type -> Arguments.of(c, type)));
    }

    /**
     * The filter's own form parser (chunked bodies) refuses what Jetty's and Tomcat's refuse when
     * they parse a body with a length: a broken escape, or bytes that are not the declared charset.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void answersAFormItCannotDecodeWith400(Container container) throws Exception {
        try (RunningServer server = start(container, filter())) {
            for (String body : new String[] {"a=%zz", "a=%", "a=%ff%fe"}) {
                RawHttp.Response r = post(server, Framing.CHUNKED, "/params",
                        "application/x-www-form-urlencoded; charset=UTF-8", body.getBytes(StandardCharsets.US_ASCII));
                assertProblem(r, 400);
            }
            // Non-ASCII bytes after a '%' in the body (it is parsed as bytes, so they never were hex
            // digits); the query below is what a container hands over decoded, where they were.
            for (String body : new String[] {"a=%\u06641", "a=%\uFF11\uFF11", "a=%\uFF21\uFF21"}) {
                RawHttp.Response r = post(server, Framing.CHUNKED, "/params",
                        "application/x-www-form-urlencoded; charset=UTF-8", body.getBytes(StandardCharsets.UTF_8));
                assertProblem(r, 400);
            }
            if (container == Container.JETTY) {
                // In the query, which the filter merges into a chunked form's parameters; Jetty passes
                // the UTF-8 bytes of U+0664 on, sent here as the two characters RawHttp writes as them.
                RawHttp.Response r = post(server, Framing.CHUNKED, "/params?q=%\u00d9\u00a41",
                        "application/x-www-form-urlencoded; charset=UTF-8", "a=1".getBytes(StandardCharsets.US_ASCII));
                assertProblem(r, 400);
            }
            RawHttp.Response fine = post(server, Framing.CHUNKED, "/params",
                    "application/x-www-form-urlencoded; charset=UTF-8", "a=%C3%A9".getBytes(StandardCharsets.US_ASCII));
            assertThat(fine.body()).startsWith("a=[\u00e9];");
        }
    }

    /** UTF-16 writes '=' and '&' in two bytes: the form cannot be split, and is a 400 as on both containers. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFraming")
    void refusesAFormInACharsetThatIsNotAsciiCompatible(Container container, Framing framing) throws Exception {
        try (RunningServer server = start(container, filter())) {
            // Without a byte-order mark, as UTF-16 allows: "t" is 00 74, and every byte is ASCII.
            RawHttp.Response r = post(server, framing, "/params", "application/x-www-form-urlencoded; charset=UTF-16",
                    "t=v&u=w".getBytes(StandardCharsets.UTF_16BE));

            if (framing == Framing.CHUNKED) {
                assertProblem(r, 400);
            } else {
                // Tomcat 10.1 drops what it cannot decode, and the application goes on without it.
                assertThat(r.status()).as("the container's own answer").isEqualTo(container.tomcat10() ? 200 : 400);
            }
        }
    }

    /**
     * A text field without a charset of its own reads the same with a length (the container parses)
     * and without (the filter does): in the charset a {@code _charset_} field names, else in the
     * container's default (UTF-8 on Jetty, ISO-8859-1 on Tomcat).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void decodesTextFieldsAsTheContainerDoes(Container container) throws Exception {
        byte[] plain = multipartFields(new String[] {"title"}, new byte[][] {{(byte) 0xC3, (byte) 0xA9}});
        byte[] named = multipartFields(new String[] {"_charset_", "title"},
                new byte[][] {"ISO-8859-1".getBytes(StandardCharsets.US_ASCII), {(byte) 0xE9}});
        try (RunningServer server = start(container, filter())) {
            for (byte[] body : new byte[][] {plain, named}) {
                String type = "multipart/form-data; boundary=" + BOUNDARY;
                String withLength = post(server, Framing.LENGTH, "/parts", type, body).body();
                String chunked = post(server, Framing.CHUNKED, "/parts", type, body).body();

                String title = body == named || container == Container.JETTY ? "\u00e9" : "\u00c3\u00a9";
                assertThat(withLength).endsWith(" title=" + title);
                assertThat(chunked).isEqualTo(withLength);
            }
        }
    }

    static byte[] multipartFields(String[] names, byte[][] values) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < names.length; i++) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + names[i] + "\"\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(values[i]);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] multipart(byte[] file) {
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"title\"\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\nh\u00e9llo\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + BOUNDARY + "--\r\n";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFraming")
    void readsMultipartPartsWithinLimit(Container container, Framing framing) throws Exception {
        byte[] file = new byte[40_000];
        for (int i = 0; i < file.length; i++) {
            // Include CR, LF and dashes so a sloppy boundary search would cut the part short.
            file[i] = (byte) "\r\n--x\u0000ab".charAt(i % 8);
        }
        Path partsDir = java.nio.file.Files.createDirectories(tempDir.resolve("parts"));
        try (RunningServer server = container.startWithTempDir(ctx -> register(ctx, filter()), partsDir, null)) {
            RawHttp.Response r = post(server, framing, "/parts", "multipart/form-data; charset=UTF-8; boundary=" + BOUNDARY,
                    multipart(file));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("title[null,6," + SizeLimitServlets.sha("h\u00e9llo".getBytes(StandardCharsets.UTF_8))
                    + "];file[a.bin,40000," + SizeLimitServlets.sha(file) + "]; title=h\u00e9llo");
        }
        // The file part (over the 16 KiB kept in memory) was on disk in the context's temporary directory.
        assertThat(partFiles(partsDir)).isZero();
    }

    /**
     * A form body is parameters only where the container makes it so: on a POST, and on Jetty a PUT
     * too. Elsewhere (a PATCH) the body stays for the application to read, with a length or without;
     * parsing it regardless read away a body the container would have left alone.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFraming")
    void readsAFormBodyAsParametersOnlyForTheMethodsTheContainerDoes(Container container, Framing framing)
            throws Exception {
        byte[] form = "a=1&b=22".getBytes(StandardCharsets.US_ASCII);
        try (RunningServer server = start(container, filter())) {
            Map<String, String> answers = new LinkedHashMap<>();
            for (String method : new String[] {"POST", "PUT", "PATCH"}) {
                answers.put(method, send(server, method, framing, "/paramThenStream?q=x",
                        "application/x-www-form-urlencoded", form).body());
            }

            String putAnswer = container == Container.TOMCAT ? "a=null bytes=8" : "a=1 bytes=0";
            assertThat(answers).containsExactly(Map.entry("POST", "a=1 bytes=0"), Map.entry("PUT", putAnswer),
                    Map.entry("PATCH", "a=null bytes=8"));
        }
    }

    /**
     * A form the filter does not take as parameters (here a POST that a method-override wrapper
     * below it shows as a PATCH) is not handed to the container either: the container, which sees
     * the POST, would read the whole chunked body for parameters, uncounted. (A review found this
     * in a version that let the request below answer such forms, to hear Spring's FormContentFilter.)
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFormShownAsAnotherMethodIsNotReadForParametersByTheContainer(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("methodOverride", new jakarta.servlet.Filter() {
                @Override
                public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res,
                        jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
                    chain.doFilter(new jakarta.servlet.http.HttpServletRequestWrapper((HttpServletRequest) req) {
                        @Override
                        public String getMethod() {
                            return "PATCH";
                        }
                    }, res);
                }
            }).addMappingForUrlPatterns(null, false, "/*");
            register(ctx, filter());
        })) {
            byte[] form = ("a=" + "x".repeat(2 * LIMIT)).getBytes(StandardCharsets.US_ASCII);
            RawHttp.Response r = post(server, Framing.CHUNKED, "/paramThenStream", "application/x-www-form-urlencoded",
                    form);

            assertProblem(r, 413);
        }
    }

    /**
     * Part headers the filter parses itself (no length): a folded value and a run of {@code ;} are
     * read as the container would, and more fields than the parser keeps per part are a 400 problem.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void readsFoldedPartHeadersAndRefusesTooManyFieldsPerPart(Container container) throws Exception {
        String folded = "--" + BOUNDARY + "\r\nContent-Disposition: form-data;;;;\r\n name=\"title\"\r\n\r\nv\r\n--"
                + BOUNDARY + "--\r\n";
        String crowded = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"title\"\r\n"
                + "X-a: 1\r\n".repeat(MultipartParser.MAX_HEADERS_PER_PART) + "\r\nv\r\n--" + BOUNDARY + "--\r\n";
        try (RunningServer server = start(container, filter())) {
            RawHttp.Response read = post(server, Framing.CHUNKED, "/parts", "multipart/form-data; boundary=" + BOUNDARY,
                    folded.getBytes(StandardCharsets.UTF_8));
            RawHttp.Response refused = post(server, Framing.CHUNKED, "/parts", "multipart/form-data; boundary=" + BOUNDARY,
                    crowded.getBytes(StandardCharsets.UTF_8));

            assertThat(read.status()).isEqualTo(200);
            assertThat(read.body()).endsWith("title=v");
            assertProblem(refused, 400);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void appliesALargerLimitToAnUploadPath(Container container) throws Exception {
        RequestSizeLimitFilter filter = new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder()
                .maxBytes(LIMIT).pathLimit("/upload/*", 4L * LIMIT).build());
        try (RunningServer server = start(container, filter)) {
            RawHttp.Response upload = post(server, Framing.CHUNKED, "/upload/stream", "application/octet-stream",
                    filler(3 * LIMIT));
            RawHttp.Response other = post(server, Framing.CHUNKED, "/stream", "application/octet-stream",
                    filler(LIMIT + 1));

            assertThat(upload.body()).isEqualTo("bytes=" + 3 * LIMIT);
            assertProblem(other, 413);
        }
    }

    /**
     * A router that matches segments as they came dispatches {@code /avatar/../upload/stream} to the
     * avatar route, whose stricter limit holds although the container maps the upload path (found by
     * review); a looser limit comes only from the path the container maps, and a raw spelling that
     * matches no override leaves the mapped path's limit as it is.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyContainerAndRawSpellingOfTheUploadPath")
    void aStricterLimitHoldsForTheRawUrisSpellingOfItsPath(Container container, Framing framing, String target)
            throws Exception {
        RequestSizeLimitFilter filter = new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder()
                .maxBytes(LIMIT).pathLimit("/upload/*", 4L * LIMIT).pathLimit("/avatar/*", 100).build());
        try (RunningServer server = start(container, filter)) {
            RawHttp.Response viaAvatar = post(server, framing, target, "application/octet-stream", filler(1000));
            RawHttp.Response viaOther = post(server, framing, "/other/../upload/stream", "application/octet-stream",
                    filler(2 * LIMIT));
            RawHttp.Response plain = post(server, framing, "/upload/stream", "application/octet-stream", filler(2 * LIMIT));

            assertProblem(viaAvatar, 413);
            assertThat(viaOther.body()).isEqualTo("bytes=" + 2 * LIMIT);
            assertThat(plain.body()).isEqualTo("bytes=" + 2 * LIMIT);
        }
    }

    static Stream<Arguments> everyContainerAndRawSpellingOfTheUploadPath() {
        return everyContainerAndFraming().flatMap(a -> Stream.of("/avatar/../upload/stream",
                "/avatar;v=1/../upload/stream", "/%61vatar/../upload/stream")
                .map(target -> Arguments.of(a.get()[0], a.get()[1], target)));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void answersAsyncReadPastLimitWith413(Container container) throws Exception {
        try (RunningServer server = start(container, filter())) {
            RawHttp.Response within = post(server, Framing.CHUNKED, "/async", "application/octet-stream", filler(LIMIT));
            try (RawHttp http = server.raw()) {
                http.send(chunkedHead("/async", "application/octet-stream"));
                for (int sent = 0; sent <= LIMIT; sent += CHUNK) {
                    http.chunk(filler(CHUNK));
                }
                RawHttp.Response over = http.readResponse();

                assertThat(within.body()).isEqualTo("async bytes=" + LIMIT);
                assertProblem(over, 413);
                assertThat(over.body()).contains("\"requestId\":\"size-test\"");
                assertConnectionEndsWithoutDrainingTheBody(http);
            }
            assertThat(servlets.readFailures).noneMatch(f -> f.startsWith("onError"));
        }
    }

    /**
     * A client that leaves in the middle of a form or multipart body the filter parses itself is
     * no server error, as when the container parses (found by review: Tomcat logged an ERROR with a
     * stack for each one, the filter's UncheckedIOException around its ClientAbortException).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndBodyTheFilterParses")
    void aClientLeavingInTheMiddleOfABodyTheFilterParsesIsNoServerError(Container container, String type)
            throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        try (LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
                RunningServer server = container.start(ctx -> {
                    register(ctx, filter());
                    // Fired after Tomcat has handled (and logged) what the chain threw; on Jetty, before.
                    ctx.addListener(new ServletRequestListener() {
                        @Override
                        public void requestDestroyed(ServletRequestEvent event) {
                            ended.countDown();
                        }
                    });
                })) {
            try (RawHttp http = server.raw()) {
                http.send(chunkedHead(type.startsWith("multipart") ? "/parts" : "/params", type));
                http.chunk(("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc").getBytes(
                        StandardCharsets.US_ASCII));
            }

            assertThat(ended.await(10, TimeUnit.SECONDS)).as("the request ended").isTrue();
            assertThat(servlets.readFailures).as("the servlet's read failed").isNotEmpty();
            // Jetty tells requestDestroyed before its ServletChannel logs what escaped the chain:
            // the absence is checked over a bounded while too.
            org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(500))
                    .atMost(java.time.Duration.ofSeconds(2))
                    .until(() -> logs.events().stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)));
        }
    }

    /**
     * A client that ends its body early but still reads gets a 400, and no server error is logged.
     * On Jetty it is the filter's problem; Tomcat, once a read has failed, writes its own error page
     * whatever the filter answers (its ErrorReportValve: configure it, see docs/filters.md).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndBodyTheFilterParses")
    void aBodyCutOffByAHalfCloseIsA400Problem(Container container, String type) throws Exception {
        try (LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
                RunningServer server = start(container, filter()); RawHttp http = server.raw()) {
            http.send(chunkedHead(type.startsWith("multipart") ? "/parts" : "/params", type));
            http.chunk(("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc").getBytes(
                    StandardCharsets.US_ASCII));
            http.halfClose();
            RawHttp.Response r = http.readResponse();

            if (container == Container.JETTY) {
                assertProblem(r, 400);
            } else {
                assertThat(r.status()).isEqualTo(400);
            }
            assertThat(logs.events()).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
        }
    }

    /**
     * After the application committed, a body cut off while the filter parses it must break the
     * connection, so the client can tell the response is incomplete (found by review: on Jetty the
     * chunked response ended cleanly, looking complete).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aBodyCutOffAfterTheApplicationCommittedBreaksTheConnection(Container container) throws Exception {
        try (RunningServer server = start(container, filter()); RawHttp http = server.raw()) {
            http.send(chunkedHead("/flushThenParams", FORM));
            http.chunk("a=abc".getBytes(StandardCharsets.US_ASCII));
            http.halfClose();

            String received = http.receivedUntilClosed();
            assertThat(received).contains("started;").doesNotContain("a=").doesNotEndWith("0\r\n\r\n");
        }
    }

    /** The same behind the error boundary: the connection breaks, and nothing is logged at WARN or above. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aBodyCutOffAfterTheApplicationCommittedIsQuietBehindTheErrorBoundary(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
                    ctx.addFilter("errors", new SafeErrorFilter()).addMappingForUrlPatterns(null, false, "/*");
                    register(ctx, filter());
                });
                LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
                RawHttp http = server.raw()) {
            http.send(chunkedHead("/flushThenParams", FORM));
            http.chunk("a=abc".getBytes(StandardCharsets.US_ASCII));
            http.halfClose();

            String received = http.receivedUntilClosed();
            assertThat(received).contains("started;").doesNotContain("a=").doesNotEndWith("0\r\n\r\n");
            // Found by review: Jetty logged a WARN per such request for the stackless abort.
            assertThat(logs.events()).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        }
    }

    static Stream<Arguments> everyContainerAndBodyTheFilterParses() {
        return Stream.of(Container.values()).flatMap(c -> Stream.of(FORM, "multipart/form-data; boundary=XyZ")
                .map(type -> Arguments.of(c, type)));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void closesTheConnectionWhenTheApplicationHadCommitted(Container container) throws Exception {
        try (RunningServer server = start(container, filter()); RawHttp http = server.raw();
                LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            http.send(chunkedHead("/committed", "application/octet-stream"));
            for (int sent = 0; sent <= LIMIT; sent += CHUNK) {
                http.chunk(filler(CHUNK));
            }

            // The 200 head and "started " went out; the connection must break before the chunked
            // body's terminating chunk, so the client knows the response is incomplete.
            assertThatThrownBy(http::readResponse).isInstanceOf(java.io.IOException.class)
                    .isNotInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(servlets.readFailures).containsExactly("RequestTooLargeException");
            // A client's oversized body is no server error: neither container logs one, nor a WARN line
            // (Jetty logs what leaves the chain, before the abort the client saw, unless marked quiet).
            assertThat(logs.events()).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
            assertThat(logs.events()).filteredOn(e -> !e.getLoggerName().startsWith("dev.palisade."))
                    .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        }
    }

    /**
     * After {@code AsyncContext.dispatch()} the servlet reads the body in an ASYNC dispatch: through
     * the counting wrapper it was given, or, after a no-argument {@code startAsync()}, through the
     * container's own request, which the filter must replace with its wrapper again. Either way a
     * body past the limit is a 413, not the container's 500 page (Tomcat's showed the stack) or an
     * uncounted read.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void countsTheBodyReadInAnAsyncDispatch(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            FilterRegistration.Dynamic size = ctx.addFilter("size", filter());
            size.setAsyncSupported(true);
            size.addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST,
                    jakarta.servlet.DispatcherType.ASYNC), false, "/*");
            registerLater(ctx);
        })) {
            for (String target : new String[] {"/later", "/later?plain=1"}) {
                assertAsyncDispatchReadIsLimited(server, target);
                RawHttp.Response small = post(server, Framing.CHUNKED, target, "application/octet-stream", filler(100));
                assertThat(small.status()).as(target).isEqualTo(200);
                assertThat(small.body()).isEqualTo("read 100");
            }
        }
    }

    /**
     * A form or multipart body parsed in the first run, then {@code AsyncContext.dispatch()}: the
     * next run sees the same parameters and parts, as the container's own request carries them over
     * (with a {@code Content-Length} the container parses). Without a length the filter parses, and
     * after a no-argument {@code startAsync()} the next run gets a new wrapper around the container's
     * request: it must share what the first one parsed (it found the body read away: no parameters,
     * and a 400 for the parts), and the reader the first run began, with what it had read ahead.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFraming")
    void aBodyParsedBeforeADispatchIsStillThereAfterIt(Container container, Framing framing) throws Exception {
        Path partsDir = java.nio.file.Files.createDirectories(tempDir.resolve("parts"));
        try (RunningServer server = container.startWithTempDir(ctx -> {
            partsOnDisk(ctx, DispatcherType.ASYNC);
            var parsesThenDispatches = ctx.addServlet("parsesThenDispatches", new jakarta.servlet.http.HttpServlet() {
                @Override
                protected void doPost(jakarta.servlet.http.HttpServletRequest req,
                        jakarta.servlet.http.HttpServletResponse resp)
                        throws java.io.IOException, jakarta.servlet.ServletException {
                    boolean multipart = req.getContentType().startsWith("multipart/");
                    boolean text = req.getContentType().startsWith("text/");
                    if (req.getDispatcherType() != jakarta.servlet.DispatcherType.ASYNC) {
                        String first = multipart ? req.getPart("f").getSize() + ""
                                : text ? String.valueOf((char) req.getReader().read()) : req.getParameter("a");
                        req.setAttribute("first", first);
                        (req.getQueryString().contains("plain") ? req.startAsync() : req.startAsync(req, resp)).dispatch();
                        return;
                    }
                    String now;
                    if (multipart) {
                        jakarta.servlet.http.Part part = req.getPart("f");
                        try (java.io.InputStream in = part.getInputStream()) {
                            now = new String(in.readAllBytes(), StandardCharsets.US_ASCII) + " title=" + req.getParameter("title")
                                    + " files=" + partFiles(partsDir);
                        }
                    } else if (text) {
                        StringBuilder rest = new StringBuilder();
                        for (int c = req.getReader().read(); c >= 0; c = req.getReader().read()) {
                            rest.append((char) c);
                        }
                        now = rest.toString();
                    } else {
                        now = req.getParameter("a");
                    }
                    resp.getWriter().write("first=" + req.getAttribute("first") + " then=" + now);
                }
            });
            parsesThenDispatches.setAsyncSupported(true);
            parsesThenDispatches.setMultipartConfig(new jakarta.servlet.MultipartConfigElement(tempDir.toString()));
            parsesThenDispatches.addMapping("/parsesThenDispatches");
        }, partsDir, null)) {
            byte[] multipart = ("--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n"
                    + "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n\r\nfile-content\r\n"
                    + "--XyZ--\r\n").getBytes(StandardCharsets.US_ASCII);
            for (String target : new String[] {"/parsesThenDispatches?plain=1", "/parsesThenDispatches?wrapped=1"}) {
                RawHttp.Response form = post(server, framing, target, "application/x-www-form-urlencoded",
                        "a=1&b=2".getBytes(StandardCharsets.US_ASCII));
                RawHttp.Response parts = post(server, framing, target, "multipart/form-data; boundary=XyZ", multipart);
                RawHttp.Response text = post(server, framing, target, "text/plain",
                        "abcdefghij".getBytes(StandardCharsets.US_ASCII));

                assertThat(form.status()).as(target).isEqualTo(200);
                assertThat(form.body()).as(target).isEqualTo("first=1 then=1");
                assertThat(parts.status()).as(target).isEqualTo(200);
                assertThat(parts.body()).as(target).isEqualTo("first=12 then=file-content title=hello files="
                        + (framing == Framing.CHUNKED ? 2 : 0));
                // The reader the first run began (and which buffered ahead) goes on in the next.
                assertThat(text.body()).as(target).isEqualTo("first=a then=bcdefghij");
            }
        }
        // Every request is over once the server has stopped: the last run's end deleted the files.
        assertThat(partFiles(partsDir)).isZero();
    }

    /**
     * Registers the size filter for REQUEST and {@code also}, keeping every part on disk (the end
     * of a run must not delete what a later run reads), in the context's temporary directory.
     */
    private static void partsOnDisk(jakarta.servlet.ServletContext ctx, DispatcherType also) {
        FilterRegistration.Dynamic size = ctx.addFilter("size", new RequestSizeLimitFilter(
                RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).multipartThresholdBytes(0).build()));
        size.setAsyncSupported(true);
        size.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, also), false, "/*");
    }

    private static long partFiles(Path dir) throws IOException {
        try (Stream<Path> files = java.nio.file.Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("palisade-part-")).count();
        }
    }

    private static final byte[] ONE_FILE = ("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n\r\n"
            + "file-content\r\n--XyZ--\r\n").getBytes(StandardCharsets.US_ASCII);

    private static String partText(HttpServletRequest req) {
        try (java.io.InputStream in = req.getPart("f").getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException | jakarta.servlet.ServletException e) {
            return e.getClass().getSimpleName();
        }
    }

    /**
     * A timeout answered by a dispatch, whose run reads the parts the first run parsed: the files
     * are kept until the cycle completes (deleted at the timeout, the part read failed).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFraming")
    void partsOutliveATimeoutAnsweredByADispatch(Container container, Framing framing) throws Exception {
        Path partsDir = java.nio.file.Files.createDirectories(tempDir.resolve("parts"));
        try (RunningServer server = container.startWithTempDir(ctx -> {
            partsOnDisk(ctx, DispatcherType.ASYNC);
            var timesOut = ctx.addServlet("timesOut", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, jakarta.servlet.ServletException {
                    if (req.getDispatcherType() == DispatcherType.ASYNC) {
                        resp.getWriter().write("then: " + partText(req));
                        return;
                    }
                    req.getPart("f");
                    jakarta.servlet.AsyncContext async = req.startAsync();
                    async.setTimeout(100);
                    async.addListener(new jakarta.servlet.AsyncListener() {
                        @Override
                        public void onTimeout(jakarta.servlet.AsyncEvent e) {
                            e.getAsyncContext().dispatch();
                        }

                        @Override
                        public void onComplete(jakarta.servlet.AsyncEvent e) {
                            // Nothing to do: the dispatch answers.
                        }

                        @Override
                        public void onError(jakarta.servlet.AsyncEvent e) {
                            // Nothing to do: the dispatch answers.
                        }

                        @Override
                        public void onStartAsync(jakarta.servlet.AsyncEvent e) {
                            // Nothing to do: the dispatch answers.
                        }
                    });
                }
            });
            timesOut.setAsyncSupported(true);
            timesOut.setMultipartConfig(new jakarta.servlet.MultipartConfigElement(tempDir.toString()));
            timesOut.addMapping("/timesOut");
        }, partsDir, null)) {
            RawHttp.Response r = post(server, framing, "/timesOut", "multipart/form-data; boundary=XyZ", ONE_FILE);

            assertThat(r.body()).isEqualTo("then: file-content");
        }
        assertThat(partFiles(partsDir)).isZero();
    }

    /**
     * Behind the whole chain, an async request that parsed parts and committed its response, then
     * timed out: the error boundary aborts the connection, after which Jetty never completes the
     * cycle, so the files go at the timeout (waiting for the completion left them on disk).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void partsOfACommittedRequestThatTimesOutAreDeleted(Container container) throws Exception {
        Path partsDir = java.nio.file.Files.createDirectories(tempDir.resolve("parts"));
        try (RunningServer server = container.startWithTempDir(ctx -> {
            Hardening.install(ctx, Hardening.builder().rateLimit(null).sizeLimit(RequestSizeLimitFilter.Config.builder()
                    .maxBytes(LIMIT).multipartThresholdBytes(0).build()).build());
            var commitsThenTimesOut = ctx.addServlet("commitsThenTimesOut", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, jakarta.servlet.ServletException {
                    req.getPart("f");
                    req.startAsync().setTimeout(100);
                    resp.getWriter().write("started");
                    resp.flushBuffer();
                }
            });
            commitsThenTimesOut.setAsyncSupported(true);
            commitsThenTimesOut.setMultipartConfig(new jakarta.servlet.MultipartConfigElement(tempDir.toString()));
            commitsThenTimesOut.addMapping("/commitsThenTimesOut");
        }, partsDir, null); RawHttp http = server.raw()) {
            http.send("POST /commitsThenTimesOut HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            http.chunk(ONE_FILE);
            http.lastChunk();

            assertThat(http.readAll()).contains("started");
        }
        assertThat(partFiles(partsDir)).isZero();
    }

    /**
     * Behind the whole chain, an async task that failed after its response was committed: the error
     * boundary breaks the connection in an ASYNC dispatch, where Jetty tells no listener of the end;
     * the part files go all the same.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void partsOfARequestWhoseTaskFailedAfterTheCommitAreDeleted(Container container) throws Exception {
        Path partsDir = java.nio.file.Files.createDirectories(tempDir.resolve("parts"));
        java.util.concurrent.CountDownLatch taskRan = new java.util.concurrent.CountDownLatch(1);
        try (RunningServer server = container.startWithTempDir(ctx -> {
            Hardening.install(ctx, Hardening.builder().rateLimit(null).sizeLimit(RequestSizeLimitFilter.Config.builder()
                    .maxBytes(LIMIT).multipartThresholdBytes(0).build()).build());
            var taskFails = ctx.addServlet("taskFails", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, jakarta.servlet.ServletException {
                    req.getPart("f");
                    jakarta.servlet.AsyncContext async = req.startAsync();
                    async.setTimeout(60_000);
                    async.start(() -> {
                        try {
                            resp.getWriter().write("started");
                            resp.flushBuffer();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        } finally {
                            taskRan.countDown();
                        }
                        throw new IllegalStateException("the task failed");
                    });
                }
            });
            taskFails.setAsyncSupported(true);
            taskFails.setMultipartConfig(new jakarta.servlet.MultipartConfigElement(tempDir.toString()));
            taskFails.addMapping("/taskFails");
        }, partsDir, null); RawHttp http = server.raw()) {
            http.send("POST /taskFails HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            http.chunk(ONE_FILE);
            http.lastChunk();

            assertThat(http.readAll()).contains("started");
            assertThat(taskRan.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // The connection is broken once the cycle ended: its files are gone by then, not at the server's stop.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(partFiles(partsDir)).isZero());
        }
    }

    /**
     * An error page (the filter mapped for ERROR) after a run that parsed a body without a length:
     * it sees the parameters, but the part files went with the run that parsed them (a request
     * without async has no later moment to delete them at), and reading a part is an
     * {@code IOException} (it was a {@code NullPointerException}). With a length the container's
     * parts are still there.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFraming")
    void anErrorPageAfterTheRunThatParsedPartsFindsTheirFilesGone(Container container, Framing framing)
            throws Exception {
        Path partsDir = java.nio.file.Files.createDirectories(tempDir.resolve("parts"));
        try (RunningServer server = container.startWithTempDir(ctx -> {
            partsOnDisk(ctx, DispatcherType.ERROR);
            var fails = ctx.addServlet("fails", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, jakarta.servlet.ServletException {
                    req.getPart("f");
                    resp.sendError(422);
                }
            });
            fails.setMultipartConfig(new jakarta.servlet.MultipartConfigElement(tempDir.toString()));
            fails.addMapping("/fails");
            var page = ctx.addServlet("page", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().write("page: q=" + req.getParameter("q") + " " + partText(req));
                }
            });
            page.setMultipartConfig(new jakarta.servlet.MultipartConfigElement(tempDir.toString()));
            page.addMapping(AppErrorPage.LOCATION);
        }, partsDir, AppErrorPage.LOCATION)) {
            RawHttp.Response r = post(server, framing, "/fails?q=1", "multipart/form-data; boundary=XyZ", ONE_FILE);

            assertThat(r.body()).isEqualTo("page: q=1 " + (framing == Framing.CHUNKED ? "IOException" : "file-content"));
        }
        assertThat(partFiles(partsDir)).isZero();
    }

    /**
     * A read past the limit that the servlet catches and answers with {@code sendError}, with an
     * error page and the filter mapped for ERROR: one rejection counted, though on Jetty the error
     * page's run answers the 413 again (Jetty resets the response for its error dispatch).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aRequestAnsweredAgainByAnErrorPagesRunIsCountedOnce(Container container) throws Exception {
        RequestSizeLimitFilter filter = filter();
        try (RunningServer server = container.startWithErrorPage(ctx -> {
            FilterRegistration.Dynamic size = ctx.addFilter("size", filter);
            size.setAsyncSupported(true);
            size.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR), false, "/*");
            ctx.addServlet("swallows", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    try {
                        req.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        resp.sendError(500);
                    }
                }
            }).addMapping("/swallows");
            ctx.addServlet("page", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().write("PAGE");
                }
            }).addMapping(AppErrorPage.LOCATION);
        }, AppErrorPage.LOCATION)) {
            RawHttp.Response r = post(server, Framing.CHUNKED, "/swallows", "application/octet-stream", filler(LIMIT + 1));

            if (container == Container.JETTY) {
                assertProblem(r, 413);
            }
            assertThat(filter.rejectedCount()).isEqualTo(1);
        }
    }

    /**
     * The first run reads the start of the body and dispatches; the next run (a new wrapper, after a
     * no-argument {@code startAsync()}) reads on with a {@code ReadListener} past the limit: the 413
     * is answered through that run's response, behind the error boundary, as in a single run. On
     * Tomcat the first run's response was an application filter's buffering wrapper, done with when
     * that run ended: a 413 written there never reached the client. (Jetty hands the next run the
     * first run's wrappers again, so there any writer's body would end in that buffer.)
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anAsyncReadPastTheLimitInTheNextRunIsAnswered413(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            for (jakarta.servlet.Filter f : new jakarta.servlet.Filter[] {new SafeErrorFilter(), filter()}) {
                FilterRegistration.Dynamic reg = ctx.addFilter(f.getClass().getSimpleName(), f);
                reg.setAsyncSupported(true);
                reg.addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST,
                        jakarta.servlet.DispatcherType.ASYNC), true, "/*");
                if (f instanceof SafeErrorFilter && container == Container.TOMCAT) {
                    FilterRegistration.Dynamic buffering = ctx.addFilter("buffering", new BufferingFilter());
                    buffering.setAsyncSupported(true);
                    buffering.addMappingForUrlPatterns(null, true, "/*");
                }
            }
            var readsOn = ctx.addServlet("readsOn", new jakarta.servlet.http.HttpServlet() {
                @Override
                protected void doPost(jakarta.servlet.http.HttpServletRequest req,
                        jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                    if (req.getDispatcherType() != jakarta.servlet.DispatcherType.ASYNC) {
                        req.getInputStream().read();
                        req.startAsync().dispatch();
                        return;
                    }
                    jakarta.servlet.AsyncContext async = req.startAsync();
                    jakarta.servlet.ServletInputStream in = req.getInputStream();
                    in.setReadListener(new jakarta.servlet.ReadListener() {
                        private final byte[] buf = new byte[8192];
                        private long total = 1;

                        @Override
                        public void onDataAvailable() throws java.io.IOException {
                            while (in.isReady()) {
                                int n = in.read(buf);
                                if (n < 0) {
                                    return;
                                }
                                total += n;
                            }
                        }

                        @Override
                        public void onAllDataRead() throws java.io.IOException {
                            resp.getWriter().write("read " + total);
                            async.complete();
                        }

                        @Override
                        public void onError(Throwable t) {
                            resp.setStatus(500);
                            async.complete();
                        }
                    });
                }
            });
            readsOn.setAsyncSupported(true);
            readsOn.addMapping("/readsOn");
        })) {
            assertAsyncDispatchReadIsLimited(server, "/readsOn");
            RawHttp.Response small = post(server, Framing.CHUNKED, "/readsOn", "application/octet-stream", filler(100));
            assertThat(small.status()).isEqualTo(200);
            assertThat(small.body()).isEqualTo("read 100");
        }
    }

    /** Holds the body its chain writes and copies it out when the chain returns, as caching filters do. */
    private static final class BufferingFilter implements jakarta.servlet.Filter {
        @Override
        public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res,
                jakarta.servlet.FilterChain chain) throws java.io.IOException, jakarta.servlet.ServletException {
            java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
            jakarta.servlet.ServletOutputStream out = new jakarta.servlet.ServletOutputStream() {
                @Override
                public void write(int b) {
                    held.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(jakarta.servlet.WriteListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
            chain.doFilter(req, new jakarta.servlet.http.HttpServletResponseWrapper(
                    (jakarta.servlet.http.HttpServletResponse) res) {
                @Override
                public jakarta.servlet.ServletOutputStream getOutputStream() {
                    return out;
                }

                @Override
                public java.io.PrintWriter getWriter() {
                    return new java.io.PrintWriter(out, true, StandardCharsets.UTF_8);
                }
            });
            if (held.size() > 0) {
                res.getOutputStream().write(held.toByteArray());
            }
        }
    }

    /**
     * Mapped for REQUEST only, as before ASYNC dispatches were covered, the size filter does not see
     * the dispatch; its wrapper still throws on the read past the limit, and the error boundary
     * (mapped for both) answers the 413 itself instead of letting the container's 500 page out.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theErrorBoundaryAnswersAnOverflowTheSizeFilterDidNotSee(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            FilterRegistration.Dynamic errors = ctx.addFilter("errors", new SafeErrorFilter());
            errors.setAsyncSupported(true);
            errors.addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST,
                    jakarta.servlet.DispatcherType.ASYNC), false, "/*");
            FilterRegistration.Dynamic size = ctx.addFilter("size", filter());
            size.setAsyncSupported(true);
            size.addMappingForUrlPatterns(null, true, "/*");
            registerLater(ctx);
        })) {
            assertAsyncDispatchReadIsLimited(server, "/later");
        }
    }

    private static void assertAsyncDispatchReadIsLimited(RunningServer server, String target) throws Exception {
        try (RawHttp http = server.raw()) {
            http.send(chunkedHead(target, "application/octet-stream"));
            for (int sent = 0; sent <= LIMIT; sent += CHUNK) {
                http.chunk(filler(CHUNK));
            }
            RawHttp.Response r = http.readResponse();

            assertProblem(r, 413);
            assertThat(r.body()).as(target).contains("\"requestId\":\"size-test\"");
            assertConnectionEndsWithoutDrainingTheBody(http);
        }
    }

    /** {@code /later}: reads the body in an ASYNC dispatch; {@code ?plain=1} starts async without arguments. */
    private static void registerLater(jakarta.servlet.ServletContext ctx) {
        var later = ctx.addServlet("later", new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void doPost(jakarta.servlet.http.HttpServletRequest req,
                    jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                if (req.getDispatcherType() != jakarta.servlet.DispatcherType.ASYNC) {
                    (req.getParameter("plain") != null ? req.startAsync() : req.startAsync(req, resp)).dispatch();
                    return;
                }
                resp.getWriter().write("read " + req.getInputStream().readAllBytes().length);
            }
        });
        later.setAsyncSupported(true);
        later.addMapping("/later");
    }

    /**
     * Tomcat renders an application's error page for a failed request, after the response if it
     * was committed, unless the failure is its own client-abort exception: the page would run for
     * nothing after a 413, and its text would be appended to a half-written response.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void neverRunsTheApplicationsErrorPage(Container container) throws Exception {
        AppErrorPage page = new AppErrorPage();
        try (RunningServer server = container.startWithErrorPage(ctx -> {
            register(ctx, filter());
            page.register(ctx);
        }, AppErrorPage.LOCATION)) {
            try (RawHttp http = server.raw()) {
                http.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                        + "Content-Length: " + (LIMIT + 1) + "\r\n\r\n");
                assertProblem(http.readResponse(), 413);
                assertConnectionEndsWithoutDrainingTheBody(http);
            }
            try (RawHttp http = server.raw()) {
                http.send(chunkedHead("/committed", "application/octet-stream"));
                for (int sent = 0; sent <= LIMIT; sent += CHUNK) {
                    http.chunk(filler(CHUNK));
                }
                // The application's own bytes, then a break: no terminating chunk, nothing appended.
                assertThat(http.readAll()).contains("started ").doesNotContain(AppErrorPage.TEXT)
                        .doesNotEndWith("0\r\n\r\n");
            }
            assertThat(page.calls()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void answersOverfullOrBrokenBodiesItParsesWith400(Container container) throws Exception {
        RequestSizeLimitFilter filter = new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder()
                .maxBytes(LIMIT).maxParameters(3).build());
        try (RunningServer server = start(container, filter)) {
            RawHttp.Response many = post(server, Framing.CHUNKED, "/params", "application/x-www-form-urlencoded",
                    "a=1&b=2&c=3&d=4".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response broken = post(server, Framing.CHUNKED, "/parts", "multipart/form-data; boundary=XyZ",
                    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated"
                            .getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response fine = post(server, Framing.CHUNKED, "/params", "application/x-www-form-urlencoded",
                    "a=1&b=2&c=3".getBytes(StandardCharsets.US_ASCII));

            assertProblem(many, 400);
            assertProblem(broken, 400);
            assertThat(fine.body()).startsWith("a=[1];b=[2];c=[3];");
            assertThat(filter.rejectedCount()).isEqualTo(2);
        }
    }

    /**
     * A form the filter decodes itself (no length) is held in memory several times over, so it is
     * capped as the containers cap the forms they decode, however large the path's limit: a form
     * body, or a multipart body's text fields read as parameters. A stream is not a form.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void refusesAFormLargerThanMaxFormBytesWith413(Container container) throws Exception {
        RequestSizeLimitFilter filter = new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder()
                .maxBytes(LIMIT).maxFormBytes(1024).build());
        String form = "application/x-www-form-urlencoded";
        byte[] bigText = ("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + "x".repeat(2000)
                + "\r\n--XyZ--\r\n").getBytes(StandardCharsets.US_ASCII);
        try (RunningServer server = start(container, filter)) {
            RawHttp.Response bigForm = post(server, Framing.CHUNKED, "/params", form,
                    ("a=" + "x".repeat(2000)).getBytes(StandardCharsets.US_ASCII));
            // To a servlet with a multipart config: without one the container (and so the filter)
            // gives no fields as parameters.
            RawHttp.Response bigField = post(server, Framing.CHUNKED, "/parts", "multipart/form-data; boundary=XyZ",
                    bigText);
            RawHttp.Response smallForm = post(server, Framing.CHUNKED, "/params", form,
                    ("a=" + "x".repeat(900)).getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response stream = post(server, Framing.CHUNKED, "/stream", form, filler(2000));

            assertProblem(bigForm, 413);
            assertProblem(bigField, 413);
            assertThat(smallForm.status()).isEqualTo(200);
            assertThat(smallForm.body()).startsWith("a=len:900;");
            assertThat(stream.status()).isEqualTo(200);
            assertThat(filter.rejectedCount()).isEqualTo(2);
        }
    }

    /**
     * An error page that reads the body: Tomcat hands it its own request, past every wrapper, so
     * the filter counts there only when mapped for ERROR dispatches too, as docs/filters.md says.
     * Jetty's error page finds nothing left to read.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void countsAnErrorPagesReadsWhenMappedForErrorDispatches(Container container) throws Exception {
        try (RunningServer server = container.startWithErrorPage(ctx -> {
            FilterRegistration.Dynamic reg = ctx.addFilter("size", filter());
            reg.setAsyncSupported(true);
            reg.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR), false, "/*");
            ctx.addServlet("missing", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.sendError(404);
                }
            }).addMapping("/missing");
            ctx.addServlet("errorPage", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().write("error page read " + req.getInputStream().readAllBytes().length);
                }
            }).addMapping("/error-page");
        }, "/error-page"); RawHttp http = server.raw()) {
            // The whole request in one write, so that it has all arrived when Jetty discards what is
            // left of the body before its error dispatch: sent in pieces, a piece that came later was
            // there for the error page to read, past the limit (seen on a loaded machine).
            java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
            request.writeBytes(chunkedHead("/missing", "application/octet-stream").getBytes(StandardCharsets.US_ASCII));
            for (int sent = 0; sent <= LIMIT; sent += CHUNK) {
                request.writeBytes((Integer.toHexString(CHUNK) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                request.writeBytes(filler(CHUNK));
                request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            request.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            http.send(request.toByteArray());
            RawHttp.Response r = http.readResponse();

            if (container == Container.TOMCAT) {
                assertProblem(r, 413);
            } else {
                assertThat(r.status()).isEqualTo(404);
                assertThat(r.body()).isEqualTo("error page read 0");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void closesWithoutDrainingWhenA400LeavesTheBodyUnread(Container container) throws Exception {
        RequestSizeLimitFilter filter = new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder()
                .maxBytes(LIMIT).maxParameters(1).build());
        try (RunningServer server = start(container, filter); RawHttp http = server.raw()) {
            http.send(chunkedHead("/parts", "multipart/form-data; boundary=XyZ"));
            // The second part is one too many; the body goes on (its last chunk is never sent).
            http.chunk(("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                    + "--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            http.chunk(filler(CHUNK));

            assertProblem(http.readResponse(), 400);
            assertConnectionEndsWithoutDrainingTheBody(http);
        }
    }
}
