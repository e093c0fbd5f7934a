package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.ServletSetup;
import dev.palisade.filters.testing.UndertowServer;
import io.undertow.UndertowOptions;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The chain on Undertow 2.3, the third container: the places where the kit meets a container on
 * its own terms (ending a connection, telling a client's broken body and departure from the
 * server's failure, which requests carry form parameters) learnt for Undertow too. Found by a
 * review that ran the chain there.
 */
class UndertowTest {
    private static final int LIMIT = 64 * 1024;
    private static final int LARGE_LIMIT = 256 * 1024;
    /** A multipart location that is a regular file: the server's misconfiguration. */
    private static final java.nio.file.Path NOT_A_DIRECTORY = notADirectory();
    /** Counted down each time Undertow is done with a request: the chain has returned and Undertow has handled it. */
    private static volatile CountDownLatch leftTheChain = new CountDownLatch(1);
    /** Counted down when {@link AsyncDownload}'s task has ended, however. */
    private static volatile CountDownLatch leftTheTask = new CountDownLatch(1);

    static final class CommitsThenFails extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getOutputStream().write("partial body ".repeat(10).getBytes(StandardCharsets.US_ASCII));
            resp.flushBuffer();
            throw new IllegalStateException("failed after commit");
        }
    }

    /** Commits on an async task, then fails there ({@code ?throw}) or leaves the cycle to time out. */
    static final class CommitsAsynchronouslyThenFails extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            jakarta.servlet.AsyncContext async = req.startAsync();
            async.setTimeout(300);
            boolean fails = "throw".equals(req.getQueryString());
            async.start(() -> {
                try {
                    async.getResponse().getOutputStream().write("partial body ".repeat(10).getBytes(StandardCharsets.US_ASCII));
                    async.getResponse().flushBuffer();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                if (fails) {
                    throw new IllegalStateException("task failed after commit");
                }
            });
        }
    }

    /** A large download; {@code ?wrapped}: its write failure in the application's own UncheckedIOException. */
    static final class Download extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("application/octet-stream");
            byte[] block = new byte[64 * 1024];
            try {
                for (int i = 0; i < 1024; i++) {
                    resp.getOutputStream().write(block);
                }
            } catch (IOException e) {
                if ("wrapped".equals(req.getQueryString())) {
                    throw new java.io.UncheckedIOException(e);
                }
                throw e;
            }
        }
    }

    /** A large download written by an async task, whose write failure the task passes on unchecked. */
    static final class AsyncDownload extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            jakarta.servlet.AsyncContext async = req.startAsync();
            async.start(() -> {
                byte[] block = new byte[64 * 1024];
                try {
                    for (int i = 0; i < 1024; i++) {
                        async.getResponse().getOutputStream().write(block);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    leftTheTask.countDown();
                }
                async.complete();
            });
        }
    }

    /** The application's own mistakes and a backend's failure, each the server's: {@code ?} says which. */
    static final class ServersFailures extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            switch (String.valueOf(req.getQueryString())) {
                case "read-after-close" -> {
                    req.getInputStream().close();
                    req.getInputStream().read();
                }
                case "write-after-close" -> {
                    resp.getOutputStream().write("first".getBytes(StandardCharsets.US_ASCII));
                    resp.getOutputStream().close();
                    resp.getOutputStream().write("second".getBytes(StandardCharsets.US_ASCII));
                }
                // What Jetty's HttpClient throws when a backend closes: the client here is not gone.
                default -> throw new IOException("backend failed", new org.eclipse.jetty.io.EofException("backend closed"));
            }
        }
    }

    /** Reads the body the way the query says, and answers what it read. */
    static final class Reads extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            String how = req.getQueryString() == null ? "stream" : req.getQueryString();
            String answer = switch (how) {
                case "parameters" -> {
                    TreeMap<String, String[]> parameters = new TreeMap<>(req.getParameterMap());
                    parameters.remove("parameters");
                    yield parameters.keySet().toString();
                }
                case "parts" -> String.valueOf(req.getParts().size());
                case "reader" -> String.valueOf(req.getReader().transferTo(java.io.Writer.nullWriter()));
                default -> String.valueOf(req.getInputStream().readAllBytes().length);
            };
            resp.getWriter().write(answer);
        }
    }

    private static java.nio.file.Path notADirectory() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("palisade-undertow", ".file");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static UndertowServer start(Hardening.Config chain) throws Exception {
        return start(chain, builder -> { });
    }

    private static UndertowServer start(Hardening.Config chain,
            java.util.function.Consumer<io.undertow.Undertow.Builder> options) throws Exception {
        leftTheChain = new CountDownLatch(1);
        ServletSetup setup = ctx -> {
            // Undertow destroys the request once it has handled what left the chain (and logged it).
            ctx.addListener(new ServletRequestListener() {
                @Override
                public void requestDestroyed(ServletRequestEvent event) {
                    leftTheChain.countDown();
                }
            });
            Hardening.install(ctx, chain);
            add(ctx, new CommitsThenFails(), "/commits-then-fails");
            add(ctx, new Download(), "/download");
            add(ctx, new CommitsAsynchronouslyThenFails(), "/commits-asynchronously");
            add(ctx, new ServersFailures(), "/servers-failures");
            add(ctx, new AsyncDownload(), "/async-download");
            add(ctx, new Reads(), "/reads-into-a-file").setMultipartConfig(new MultipartConfigElement(NOT_A_DIRECTORY.toString()));
            add(ctx, new Reads(), "/reads").setMultipartConfig(new MultipartConfigElement(""));
            add(ctx, new Reads(), "/reads-small-files").setMultipartConfig(new MultipartConfigElement("", 16, -1, 0));
            add(ctx, new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                    req.getRequestDispatcher("/forwarded-to?page=2").forward(req, resp);
                }
            }, "/forwards");
            add(ctx, new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().write("forwarded");
                }
            }, "/forwarded-to");
            add(ctx, new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                    resp.getWriter().write("[page]");
                    req.getRequestDispatcher("/forwarded-to").include(req, resp);
                }
            }, "/includes");
            add(ctx, new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                    req.startAsync().dispatch("/forwarded-to");
                }
            }, "/async-hops");
        };
        return UndertowServer.start(setup, deployment -> { }, options);
    }

    private static Hardening.Config chain() {
        return Hardening.builder().rateLimit(null)
                .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT)
                        .pathLimit("/reads/large", LARGE_LIMIT).build())
                .build();
    }

    private static ServletRegistration.Dynamic add(ServletContext ctx, HttpServlet servlet, String path) {
        ServletRegistration.Dynamic registration = ctx.addServlet(path, servlet);
        registration.setAsyncSupported(true);
        registration.addMapping(path, path + "/*");
        return registration;
    }

    private static String errorsWithStacks(LogCapture logs) {
        return logs.text(e -> e.getLevel().isGreaterOrEqual(Level.WARN) && e.getThrowableProxy() != null);
    }

    @Test
    void aFailureAfterTheResponseWasCommittedBreaksTheConnection() throws Exception {
        try (UndertowServer server = start(chain()); RawHttp http = server.raw()) {
            // No "Connection: close": only the abort may end this connection.
            String received = http.send("GET /commits-then-fails HTTP/1.1\r\nHost: x\r\n\r\n").receivedUntilClosed();

            assertThat(received).startsWith("HTTP/1.1 200").contains("partial body");
            assertThat(received).as("no last chunk: the client can tell the body is incomplete")
                    .doesNotEndWith("0\r\n\r\n");
        }
    }

    /** Over HTTP/2 the abort resets the one stream: the client sees it cut short, and the connection carries on. */
    @Test
    void overHttp2AFailureAfterTheResponseWasCommittedResetsTheStreamNotTheConnection() throws Exception {
        org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient(
                new org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2(
                        new org.eclipse.jetty.http2.client.HTTP2Client()));
        client.start();
        try (UndertowServer server = start(chain(), b -> b.setServerOption(UndertowOptions.ENABLE_HTTP2, true))) {
            org.eclipse.jetty.client.Result failed = exchange(client, "http://127.0.0.1:" + server.port() + "/commits-then-fails");
            org.eclipse.jetty.client.Result next = exchange(client, "http://127.0.0.1:" + server.port() + "/reads");

            assertThat(failed.getResponse().getVersion().asString()).isEqualTo("HTTP/2.0");
            assertThat(failed.isFailed()).as("the client saw the response was cut short").isTrue();
            assertThat(next.isFailed()).isFalse();
            assertThat(next.getResponse().getStatus()).isEqualTo(200);
            assertThat(next.getRequest().getConnection().getLocalSocketAddress())
                    .isEqualTo(failed.getRequest().getConnection().getLocalSocketAddress());
        } finally {
            client.stop();
        }
    }

    private static org.eclipse.jetty.client.Result exchange(org.eclipse.jetty.client.HttpClient client, String uri)
            throws Exception {
        java.util.concurrent.CompletableFuture<org.eclipse.jetty.client.Result> done = new java.util.concurrent.CompletableFuture<>();
        client.newRequest(uri).timeout(20, TimeUnit.SECONDS).send(done::complete);
        return done.get(30, TimeUnit.SECONDS);
    }

    /** Asynchronously too: a task that fails, or a timeout, after the task committed the response. */
    @Test
    void anAsynchronousFailureAfterTheResponseWasCommittedBreaksTheConnection() throws Exception {
        for (String how : new String[] {"throw", "timeout"}) {
            try (UndertowServer server = start(chain()); RawHttp http = server.raw()) {
                String received = http.send("GET /commits-asynchronously?" + how + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .receivedUntilClosed();

                assertThat(received).as(how).startsWith("HTTP/1.1 200").contains("partial body");
                assertThat(received).as(how + ": no last chunk").doesNotEndWith("0\r\n\r\n");
            }
        }
    }

    /**
     * Undertow's own exception, or inside the application's wrapper, or from an async task: where
     * Undertow would log an ERROR for it (its task executor, as an uncaught exception).
     */
    @Test
    void aClientThatResetsDuringADownloadIsNoError() throws Exception {
        for (String how : new String[] {"plain", "wrapped", "async"}) {
            try (LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME); UndertowServer server = start(chain())) {
                leftTheTask = new CountDownLatch(1);
                String path = how.equals("async") ? "/async-download" : "/download?" + how;
                assertThat(RawHttp.readThenReset(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", 1024))
                        .isEqualTo(1024);
                assertThat(leftTheChain.await(10, TimeUnit.SECONDS)).isTrue();
                if (how.equals("async")) {
                    assertThat(leftTheTask.await(10, TimeUnit.SECONDS)).isTrue();
                    // The cycle ends once the task's failure has been handled (or thrown to Undertow's
                    // executor, which logs it first): the access-log line comes after either.
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                            .until(() -> logs.text().contains("GET /async-download status="));
                }

                assertThat(errorsWithStacks(logs)).as(how).isEmpty();
                assertThat(logs.text(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))).as(how).isEmpty();
            }
        }
    }

    /**
     * The same classes of exception as a client's, or Undertow's own, when the server is at fault:
     * the application read or wrote a stream it had closed, a backend's client closed, the upload
     * directory is a file. Each is a 500 (or, once committed, the abort) with an ERROR line.
     */
    @Test
    void theServersOwnFailuresStayErrors() throws Exception {
        try (UndertowServer server = start(chain())) {
            for (String how : new String[] {"read-after-close", "write-after-close", "backend"}) {
                try (LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
                    leftTheChain = new CountDownLatch(1);
                    String received = RawHttp.receivedUntilClosed(server.port(), "POST /servers-failures?" + how
                            + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
                    assertThat(leftTheChain.await(10, TimeUnit.SECONDS)).isTrue();

                    assertThat(received).as(how).doesNotContain("EofException").doesNotContain("backend");
                    if (!how.equals("write-after-close")) {
                        assertThat(received).as(how).startsWith("HTTP/1.1 500");
                    }
                    assertThat(logs.text(e -> e.getLevel() == Level.ERROR)).as(how).contains("/servers-failures");
                }
            }
            try (LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
                String body = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n\r\nsome bytes\r\n--b--\r\n";
                RawHttp.Response response = RawHttp.exchange(server.port(), "POST /reads-into-a-file?parts HTTP/1.1\r\n"
                        + "Host: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: " + body.length()
                        + "\r\nConnection: close\r\n\r\n" + body);

                assertThat(response.status()).isEqualTo(500);
                assertThat(logs.text(e -> e.getLevel() == Level.ERROR)).contains("/reads-into-a-file");
            }
        }
    }

    /**
     * Through {@code getReader()}: Undertow 2.3, once its {@code available()} has failed on a body
     * cut short (the JDK's reader asks it and ignores the failure), hands the next read a pooled
     * buffer with an earlier request's bytes. The counting stream keeps that failure: a 400, and no
     * byte of the other request.
     */
    @Test
    void aBodyCutShortReadThroughTheReaderGivesNoOtherRequestsBytes() throws Exception {
        try (UndertowServer server = start(chain(), b -> b.setIoThreads(1).setWorkerThreads(1))) {
            for (int i = 0; i < 5; i++) {
                String secret = "SECRET-PASSWORD=hunter2&".repeat(600);
                RawHttp.exchange(server.port(), "POST /reads/large HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: " + secret.length() + "\r\nConnection: close\r\n\r\n" + secret);
                try (RawHttp http = server.raw()) {
                    http.send("POST /reads?reader HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                            + "Content-Length: 100\r\n\r\nonly ten b").halfClose();

                    String received = http.receivedUntilClosed();
                    assertThat(received).as("attempt " + i).startsWith("HTTP/1.1 400").doesNotContain("SECRET");
                }
            }
        }
    }

    /**
     * With a declared length: the 400 problem (the client half-closed and still reads). Chunked and
     * cut inside a chunk, Undertow has closed the channel and counts the response as begun: the
     * connection ends without an answer. Neither is an error.
     */
    @Test
    void aBodyCutShortIsTheClientsMistake() throws Exception {
        for (boolean chunked : new boolean[] {false, true}) {
            try (LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME); UndertowServer server = start(chain());
                    RawHttp http = server.raw()) {
                http.send("POST /reads HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                        + (chunked ? "Transfer-Encoding: chunked\r\n\r\n64\r\nonly ten b" : "Content-Length: 100\r\n\r\nonly ten b"))
                        .halfClose();

                String received = http.receivedUntilClosed();
                if (chunked) {
                    assertThat(received).isEmpty();
                } else {
                    assertThat(received).startsWith("HTTP/1.1 400").contains("application/problem+json");
                }
                assertThat(leftTheChain.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(logs.text(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))).as("chunked " + chunked).isEmpty();
            }
        }
    }

    /** A chunk-size line that is not hexadecimal: Undertow closes the channel under the read, without an answer. */
    @Test
    void aBrokenChunkSizeIsNoError() throws Exception {
        try (LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME); UndertowServer server = start(chain())) {
            String received = RawHttp.receivedUntilClosed(server.port(), "POST /reads HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n");

            assertThat(received).doesNotStartWith("HTTP/1.1 2");
            assertThat(leftTheChain.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(logs.text(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))).isEmpty();
        }
    }

    /**
     * Chunked, the size filter parses the form itself: a 400. With a length Undertow parses it, and
     * drops the value (200), unless it is the first in the JVM, whose log line fails inside Undertow
     * (then a 400): never a 500, and never an error line of the kit's.
     */
    @Test
    void aFormWithABrokenEscapeIsNoServerFailure() throws Exception {
        try (LogCapture logs = LogCapture.of(SafeErrorFilter.class); UndertowServer server = start(chain())) {
            String form = "a=%zz&b=1";
            RawHttp.Response chunked = RawHttp.exchange(server.port(), "POST /reads?parameters HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n" + Integer.toHexString(form.length()) + "\r\n" + form + "\r\n0\r\n\r\n");
            assertThat(chunked.status() + " " + chunked.header("Content-Type")).isEqualTo("400 application/problem+json");
            for (int i = 0; i < 2; i++) {
                RawHttp.Response withLength = RawHttp.exchange(server.port(), "POST /reads?parameters HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                        + "\r\nConnection: close\r\n\r\n" + form);
                assertThat(withLength.status()).isIn(200, 400);
            }
            assertThat(logs.text(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))).isEmpty();
        }
    }

    /** Part headers Undertow cannot parse, and more form fields than it takes: the client's, 400. */
    @Test
    void aMalformedPartHeaderOrTooManyFieldsIsABadRequest() throws Exception {
        try (LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME); UndertowServer server = start(chain())) {
            String multipart = "--b\r\nContent-Disposition form-data no colon\r\n\r\nsome bytes\r\n--b--\r\n";
            String manyFields = "f=1&".repeat(1100);
            String[][] bodies = {{"parts", "multipart/form-data; boundary=b", multipart},
                {"parameters", "application/x-www-form-urlencoded", manyFields}};
            for (String[] body : bodies) {
                RawHttp.Response response = RawHttp.exchange(server.port(), "POST /reads?" + body[0] + " HTTP/1.1\r\n"
                        + "Host: x\r\nContent-Type: " + body[1] + "\r\nContent-Length: " + body[2].length()
                        + "\r\nConnection: close\r\n\r\n" + body[2]);

                assertThat(response.status() + " " + response.header("Content-Type")).as(body[0])
                        .isEqualTo("400 application/problem+json");
            }
            assertThat(logs.text(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))).isEmpty();
        }
    }

    @Test
    void aMultipartBodyThatBreaksOffIsABadRequest() throws Exception {
        try (LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME); UndertowServer server = start(chain());
                RawHttp http = server.raw()) {
            String body = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n\r\nsome bytes";
            http.send("POST /reads?parts HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body);

            RawHttp.Response response = http.readResponse();
            assertThat(response.status() + " " + response.header("Content-Type")).isEqualTo("400 application/problem+json");
            assertThat(leftTheChain.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(logs.text(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))).isEmpty();
        }
    }

    /** A file over the servlet's {@code maxFileSize}: the client's doing, 413, as on Tomcat. */
    @Test
    void aFileOverTheServletsMaxFileSizeIsAnswered413() throws Exception {
        try (LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME); UndertowServer server = start(chain())) {
            String body = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n\r\n"
                    + "x".repeat(100) + "\r\n--b--\r\n";
            RawHttp.Response response = RawHttp.exchange(server.port(), "POST /reads-small-files?parts HTTP/1.1\r\n"
                    + "Host: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body);

            assertThat(response.status() + " " + response.header("Content-Type")).isEqualTo("413 application/problem+json");
            assertThat(leftTheChain.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(logs.text(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))).isEmpty();
        }
    }

    /** Sends a chunked body of {@code bytes} to {@code path}, leaving the connection open for the answer. */
    private static void sendChunked(RawHttp http, String path, int bytes) throws IOException {
        http.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        byte[] chunk = new byte[8192];
        Arrays.fill(chunk, (byte) 'x');
        try {
            for (int sent = 0; sent < bytes; sent += chunk.length) {
                http.chunk(chunk);
            }
            http.lastChunk();
        } catch (IOException closed) {
            // The server may close once it has answered (or given up): what came back is still to be read.
        }
    }

    /**
     * Undertow's own entity limit ({@code UndertowOptions.MAX_ENTITY_SIZE}, 2 MiB unless set) raised
     * above the largest path limit, as docs/filters.md says: that path's limit is met with the 413
     * problem like any other.
     */
    @Test
    void withUndertowsOwnLimitRaisedAPathsLargerLimitIsAnswered413() throws Exception {
        try (UndertowServer server = start(chain(), b -> b.setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 2L * LARGE_LIMIT));
                RawHttp http = server.raw()) {
            sendChunked(http, "/reads/large", LARGE_LIMIT + 64 * 1024);

            RawHttp.Response response = http.readResponse();
            assertThat(response.status() + " " + response.header("Content-Type")).isEqualTo("413 application/problem+json");
        }
    }

    /**
     * Below it, Undertow ends the request itself once its own limit is read past (it has marked the
     * response started, so there is no answer to write): no success, and no ERROR for the client's
     * doing.
     */
    @Test
    void aBodyOverUndertowsOwnLowerLimitEndsQuietly() throws Exception {
        try (LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME);
                UndertowServer server = start(chain(), b -> b.setServerOption(UndertowOptions.MAX_ENTITY_SIZE, LARGE_LIMIT / 2L));
                RawHttp http = server.raw()) {
            sendChunked(http, "/reads/large", LARGE_LIMIT);

            assertThat(http.receivedUntilClosed()).doesNotStartWith("HTTP/1.1 2");
            assertThat(leftTheChain.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(logs.text(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))).isEmpty();
        }
    }

    /** Undertow reads a form body as parameters whatever the method: chunked too, as the kit parses it then. */
    @Test
    void aChunkedFormOnPutIsParametersAsWithALength() throws Exception {
        try (UndertowServer server = start(chain())) {
            for (String method : new String[] {"PUT", "PATCH"}) {
                String form = "a=1&b=2";
                String withLength = RawHttp.exchange(server.port(), method + " /reads?parameters HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                        + "\r\nConnection: close\r\n\r\n" + form).body();
                String chunked = RawHttp.exchange(server.port(), method + " /reads?parameters HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n"
                        + "Connection: close\r\n\r\n" + Integer.toHexString(form.length()) + "\r\n" + form + "\r\n0\r\n\r\n").body();

                assertThat(withLength).as(method).isEqualTo("[a, b]");
                assertThat(chunked).as(method).isEqualTo(withLength);
            }
        }
    }

    /**
     * The access log names the request as the client sent it: Undertow rewrites the request's URI
     * and query on a forward (and leaves them so), where a line taken after the chain named the
     * forward's target.
     */
    @Test
    void theAccessLogNamesTheRequestAsSentAfterAForward() throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER); UndertowServer server = start(chain())) {
            RawHttp.Response response = RawHttp.exchange(server.port(),
                    "GET /forwards?token=secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(response.body()).isEqualTo("forwarded");
            await().atMost(Duration.ofSeconds(10)).until(() -> !logs.lines().isEmpty());
            assertThat(logs.lines().get(0)).startsWith("INFO GET /forwards?token=*** status=200 ");
        }
    }

    /** As on Jetty and Tomcat ({@code DispatchAuthorizationTest}): the application's dispatches meet the rules of their target. */
    @Test
    void theApplicationsDispatchesAreHeldToTheRulesOfTheirTarget() throws Exception {
        String manager = "manager-token-0123456789";
        String system = "system-token-0123456789A";
        Hardening.Config chain = Hardening.builder().rateLimit(null)
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(manager, "ops", "manager").key(system, "sys", "system")
                        .rules("/forwarded-to=manager").build())
                .build();
        try (UndertowServer server = start(chain)) {
            for (String path : new String[] {"/forwards", "/async-hops"}) {
                RawHttp.Response refused = getWithKey(server, path, system);
                assertThat(refused.status()).as(path).isEqualTo(403);
                assertThat(refused.body()).as(path).contains("\"status\":403").doesNotContain("forwarded");
                assertThat(getWithKey(server, path, manager).body()).as(path).isEqualTo("forwarded");
            }
            assertThat(getWithKey(server, "/includes", system).body()).isEqualTo("[page]");
            assertThat(getWithKey(server, "/includes", manager).body()).isEqualTo("[page]forwarded");
        }
    }

    private static RawHttp.Response getWithKey(UndertowServer server, String path, String token) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Connection: close\r\n\r\n");
    }

    /** Undertow initialises filters at their first request unless told otherwise: then a bad setting stops the start. */
    @Test
    void aBadSettingStopsTheStartWhenFiltersAreInitialisedEagerly() {
        ServletSetup setup = ctx -> {
            FilterRegistration.Dynamic rate = ctx.addFilter("rate", RateLimitFilter.class);
            rate.setInitParameter("rps", "abc");
            rate.addMappingForUrlPatterns(null, false, "/*");
        };

        assertThatThrownBy(() -> UndertowServer.start(setup, deployment -> deployment.setEagerFilterInit(true), b -> { })
                .close())
                .hasStackTraceContaining("rps").hasStackTraceContaining("abc");
    }
}
