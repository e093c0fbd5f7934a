package dev.palisade.filters;

import static dev.palisade.filters.testing.ServerFiles.codeSource;
import static dev.palisade.filters.testing.ServerFiles.copyTree;
import static dev.palisade.filters.testing.ServerFiles.deleteRecursively;
import static dev.palisade.filters.testing.ServerFiles.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import dev.palisade.filters.libertyapp.LibertyApp;
import dev.palisade.filters.testing.RawH2;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.ServerFiles;
import io.github.bucket4j.Bucket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The kit on a real Open Liberty (servlet-6.0 feature), started as a process of its own with the
 * test JVM's Java from the runtime the build unpacks into {@code target/liberty} (or
 * {@code palisade.test.liberty.home}), serving two exploded WARs the test assembles: {@link LibertyApp}
 * with the filter jar, SLF4J, Bucket4j and Logback (writing to the process's output, which is
 * Liberty's console here), and one whose {@code web.xml} gives a filter a bad init-param. The server
 * is configured as docs/filters.md advises (SRVE0777E hidden, {@code invokeFlushAfterService} off),
 * so that Liberty's log is quiet wherever the kit's is, and runs {@code appSecurity-5.0} and a trace,
 * under which Liberty logs what it otherwise would not (SRVE9015E). Asserted with raw sockets: how a
 * connection ends, and what the log says.
 *
 * <p>Runs in the default surefire execution only: nothing here depends on Jetty's environment. The
 * port is a free one on 127.0.0.1.
 */
class LibertyTest {
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);
    private static final Duration LOG_DEADLINE = Duration.ofSeconds(15);
    private static final Path WORK = Path.of("target", "liberty-test");
    private static final String SERVER = "palisade";

    private static Process liberty;
    private static Path log;
    private static int port;
    /** An endpoint that waits 2 s for a client's next bytes (Liberty's default is 60 s). */
    private static int impatientPort;
    private static int fences;

    @BeforeAll
    static void start() throws IOException, URISyntaxException {
        assumeFalse("ee11".equals(System.getProperty("palisade.test.jetty")),
                "Liberty runs in the default execution only: it does not depend on Jetty's environment");
        Path home = Path.of(System.getProperty("palisade.test.liberty.home", "target/liberty/wlp"));
        assertThat(home.resolve("bin").resolve("server")).as("Open Liberty unpacked by the build (mvn process-test-resources)")
                .exists();
        deleteRecursively(WORK);
        Path apps = WORK.resolve("apps");
        Path app = assembleWebApplication(apps.resolve("app.war"));
        Path bad = assembleBadParamsApplication(apps.resolve("badparams.war"));
        port = freePort();
        impatientPort = freePort();
        Path serverDir = WORK.resolve("usr").resolve("servers").resolve(SERVER);
        Files.createDirectories(serverDir);
        Files.writeString(serverDir.resolve("server.xml"), String.format(Locale.ROOT, """
                <server>
                  <featureManager><feature>servlet-6.0</feature><feature>appSecurity-5.0</feature></featureManager>
                  <basicRegistry id="basic" realm="palisade"/>
                  <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"/>
                  <httpEndpoint id="impatient" host="127.0.0.1" httpPort="%d" httpsPort="-1">
                    <httpOptions readTimeout="2s"/>
                  </httpEndpoint>
                  <webApplication id="app" location="%s" contextRoot="/app"/>
                  <webApplication id="badparams" location="%s" contextRoot="/bad"/>
                  <logging hideMessage="SRVE0777E" traceSpecification="*=info:dev.palisade.*=all"/>
                  <webContainer invokeFlushAfterService="false"/>
                  <applicationMonitor updateTrigger="disabled"/>
                  <config updateTrigger="disabled"/>
                </server>
                """, port, impatientPort, app.toAbsolutePath(), bad.toAbsolutePath()), StandardCharsets.UTF_8);
        log = WORK.resolve("console.log");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin").resolve("server").toAbsolutePath().toString(),
                "run", SERVER).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("WLP_USER_DIR", WORK.resolve("usr").toAbsolutePath().toString());
        liberty = builder.start();
        // Killed with the test JVM too (a surefire timeout, Ctrl-C), where @AfterAll never runs.
        Process process = liberty;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }));
        // Liberty stays up without its endpoint when the port was taken (CWWKO0221E).
        await().atMost(START_DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> !liberty.isAlive()
                || logText().contains("CWWKF0011I") || logText().contains("CWWKO0221E"));
        String startLog = logText();
        assertThat(liberty.isAlive() && startLog.contains("CWWKF0011I") && !startLog.contains("CWWKO0221E"))
                .as("Open Liberty did not start; its log ends: %s", startLog.substring(Math.max(0, startLog.length() - 3000)))
                .isTrue();
        assertThat(startLog).as("the chain installed").contains("Palisade chain installed");
    }

    static int port() {
        return port;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (liberty == null) {
            return;
        }
        List<ProcessHandle> descendants = liberty.descendants().toList();
        liberty.destroy();
        descendants.forEach(ProcessHandle::destroy);
        if (!liberty.waitFor(20, TimeUnit.SECONDS)) {
            descendants.forEach(ProcessHandle::destroyForcibly);
            liberty.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** F1: a failure after the commit gets no Liberty error page appended, and the connection breaks. */
    @Test
    void aFailureAfterTheCommitBreaksTheConnectionWithNothingAppended() throws IOException {
        int from = logText().length();
        try (RawHttp http = RawHttp.connect(port)) {
            String received = http.send(get("/app/throwcommitted?case=commit")).readAll();

            assertThat(received).startsWith("HTTP/1.1 200").contains("line 1999 of a response that will fail");
            assertThat(received).doesNotContain("Error 500", "SECRET", "Exception", "<html");
            assertThat(received).doesNotEndWith("0\r\n\r\n");
        }
        assertOnlyTheKitsErrorAbout("GET /app/throwcommitted?case=commit", from, "failed after its response was committed");
    }

    /**
     * The same after the servlet started an async cycle: the cycle ends with the failure (nothing
     * leaves the chain on Liberty to end it), not at its timeout with a second ERROR.
     */
    @Test
    void aFailureAfterTheCommitEndsAnAsyncCycleStartedBefore() throws IOException {
        int from = logText().length();
        try (RawHttp http = RawHttp.connect(port)) {
            String received = http.send(get("/app/throwcommitted?async&case=async-commit")).readAll();

            assertThat(received).startsWith("HTTP/1.1 200").doesNotContain("Error 500", "SECRET", "<html");
            assertThat(received).doesNotEndWith("0\r\n\r\n");
        }
        assertOnlyTheKitsErrorAbout("GET /app/throwcommitted?async&case=async-commit", from,
                "failed after its response was committed");
    }

    /** F1: a task that fails after committing its response gets no Liberty error page appended either. */
    @Test
    void aTaskFailingAfterTheCommitGetsNothingAppended() throws IOException {
        int from = logText().length();
        try (RawHttp http = RawHttp.connect(port)) {
            String received = http.send(get("/app/taskthrows?commit&case=task-commit")).readAll();

            assertThat(received).startsWith("HTTP/1.1 200").contains("partial");
            assertThat(received).doesNotContain("Error 500", "SECRET", "Exception", "<html");
        }
        assertOnlyTheKitsErrorAbout("GET /app/taskthrows?commit&case=task-commit", from,
                "failed in an asynchronous task after its response was committed");
    }

    /** F6: an async timeout after the commit gets no Liberty page (SRVE8025E) appended, and the connection breaks. */
    @Test
    void anAsyncTimeoutAfterTheCommitGetsNothingAppended() throws IOException {
        int from = logText().length();
        try (RawHttp http = RawHttp.connect(port)) {
            String received = http.send(get("/app/asynctimeout?commit&case=committed-timeout")).readAll();

            assertThat(received).startsWith("HTTP/1.1 200").contains("partial");
            assertThat(received).doesNotContain("SRVE8025E", "Error 500", "<html");
            assertThat(received).doesNotEndWith("0\r\n\r\n");
        }
        assertOnlyTheKitsErrorAbout("GET /app/asynctimeout?commit&case=committed-timeout", from,
                "failed asynchronously after its response was committed");
    }

    /**
     * F1 and F6 over HTTP/2 (h2c with prior knowledge, which Liberty offers on its plain port with
     * servlet-6.0, unconfigured): a failure after the commit resets the request's stream (Liberty on
     * its own ended it cleanly, END_STREAM on an empty DATA frame) with nothing appended, and only
     * that stream: the next request on the same connection is answered. Only the kit's ERROR is logged.
     */
    @Test
    void overHttp2AFailureAfterTheCommitResetsTheStreamNotTheConnection() throws Exception {
        String[][] failures = {
            {"/app/throwcommitted?case=h2-commit", "failed after its response was committed"},
            {"/app/asynctimeout?commit&case=h2-committed-timeout", "failed asynchronously after its response was committed"},
            {"/app/taskthrows?commit&case=h2-task-commit", "failed in an asynchronous task after its response was committed"}};
        try (RawH2 h2 = new RawH2("127.0.0.1", port)) {
            int stream = 1;
            for (String[] failure : failures) {
                int from = logText().length();
                RawH2.StreamResult failed = h2.get(stream, failure[0], 10_000);

                assertThat(failed.status()).as(failure[0]).isEqualTo(200);
                assertThat(failed.body()).as(failure[0]).isNotEmpty().doesNotContain("Error 500", "SECRET", "SRVE8025E", "<html");
                assertThat(failed.reset()).as("%s: RST_STREAM; frames %s", failure[0], failed.frames()).isNotNull();
                assertThat(failed.frames()).as(failure[0]).noneMatch(RawH2.Frame::endStream);
                assertOnlyTheKitsErrorAbout("GET " + failure[0], from, failure[1]);
                stream += 2;
            }
            RawH2.StreamResult next = h2.get(stream, "/app/stream?case=h2-after-resets", 10_000);

            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("stream 0");
            assertThat(next.reset()).isNull();
            assertThat(next.goAway()).as("the connection carries on").isFalse();
        }
    }

    /** F2: after a 413 for a declared length, the connection closes at once, the body left unread. */
    @Test
    void theConnectionClosesAfterA413LeavingTheBodyUnread() throws IOException {
        try (RawHttp http = RawHttp.connect(port)) {
            http.send("POST /app/stream?case=unread HTTP/1.1\r\nHost: liberty\r\nContent-Length: 1000000\r\n\r\n"
                    + "a".repeat(1000));
            long start = System.nanoTime();

            assertThat(http.readResponse().status()).isEqualTo(413);
            assertThat(http.closedByServer()).as("closed within the read timeout").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    /** F2: a chunked body passing the limit is answered 413 and not read on: the server stops taking it. */
    @Test
    void aChunkedBodyOverTheLimitIsNotDrained() throws IOException {
        try (RawHttp http = RawHttp.connect(port)) {
            http.send("POST /app/stream?case=drain HTTP/1.1\r\nHost: liberty\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[64 * 1024];
            int sent = 0;
            // 32 MiB at most: Liberty took 19 MiB after its 413 before.
            while (sent < 512 && !http.writeFailed()) {
                http.chunk(chunk);
                sent++;
            }

            assertThat(http.writeFailed()).as("the server stopped reading (%d chunks of 64 KiB sent)", sent).isTrue();
            assertThat(http.readResponse().status()).isEqualTo(413);
        }
    }

    /**
     * F3: a body cut short is the client's doing: a 400 if anything, and no ERROR or WARNING in the
     * log. A form the kit parses, chunked or with a length (Liberty would read one with a length cut
     * short as no parameters, and the application take it for the client's form).
     */
    @Test
    void aBodyCutShortIsTheClientsFaultOnEveryWayToReadIt() throws IOException {
        String lengthOf1000 = "Content-Length: 1000\r\n\r\n" + "a=" + "b".repeat(50);
        String chunkedForm = "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "64\r\na=" + "b".repeat(50);
        String formOf1000 = "Content-Type: application/x-www-form-urlencoded\r\n" + lengthOf1000;
        for (String[] read : new String[][] {{"/app/stream", lengthOf1000}, {"/app/reader", lengthOf1000},
                {"/app/param", chunkedForm}, {"/app/param", formOf1000}}) {
            String path = read[0] + "?case=cut-short";
            int from = logText().length();
            try (RawHttp http = RawHttp.connect(port)) {
                http.send("POST " + path + " HTTP/1.1\r\nHost: liberty\r\n" + read[1]);
                String received = http.halfClose().receivedUntilClosed();

                assertThat(received).as(path).satisfiesAnyOf(
                        answer -> assertThat(answer).isEmpty(),
                        answer -> assertThat(answer).startsWith("HTTP/1.1 400"));
            }
            assertQuietAbout("POST " + path, from);
            assertThat(awaitLogLine("POST " + path + " status=", from)).as(path).contains("status=400");
        }
    }

    /**
     * Liberty reads a form as no parameters when its body was cut short: the kit parses forms itself
     * there, as Liberty would parse them, with a length or chunked. The expected values are what
     * Liberty's own parser gave (checked on 26.0.0.3), but for two points: a broken escape is a 400
     * (Liberty's parser throws, a 500), and an empty pair ({@code &&}) is skipped (Liberty adds a
     * parameter with an empty name).
     */
    @Test
    void aFormReadsAsLibertyParsesIt() throws IOException {
        String[][] cases = {
            // content type's parameters, X-Read-As (setCharacterEncoding), body as ISO-8859-1 text, expected
            {"", "", "a=%C3%A9&b=\u00e9", "a=[q1][\\u00c3\\u00a9];b=[\\u00e9];q=[\\u00c3\\u00a9];r=[\\u00c3\\u00a9];"},
            {"; charset=UTF-8", "", "a=%C3%A9&b=1", "a=[q1][\\u00e9];b=[1];q=[\\u00e9];r=[\\u00e9];"},
            {"", "UTF-8", "a=%C3%A9", "a=[q1][\\u00e9];q=[\\u00e9];r=[\\u00e9];"},
            {"; charset=UTF-8", "", "a=%FF%FE&b=%C3", "a=[q1][\\ufffd\\ufffd];b=[\\ufffd];q=[\\u00e9];r=[\\u00e9];"},
            {"", "", "a=%e&b=x%4&c%2=%&d=%+&e=%%", "a=[q1][%e];b=[x%4];c%2=[%];d=[%+];e=[%%];q=[\\u00c3\\u00a9];r=[\\u00c3\\u00a9];"},
            {"", "", "a=1&&a=2+3%2B&=x&b", "=[x];a=[q1][1][2 3+];b=[];q=[\\u00c3\\u00a9];r=[\\u00c3\\u00a9];"},
            {"", "", "a=%zz&b=1", "400"},
            {"", "", "a=%4%41", "400"},
        };
        for (String[] c : cases) {
            byte[] body = c[2].getBytes(StandardCharsets.ISO_8859_1);
            for (boolean chunked : new boolean[] {false, true}) {
                // The query: q escaped UTF-8, r the same two bytes raw.
                String request = "POST /app/params?a=q1&q=%C3%A9&r=\u00c3\u00a9 HTTP/1.1\r\nHost: liberty\r\n"
                        + "Content-Type: application/x-www-form-urlencoded" + c[0] + "\r\n"
                        + (c[1].isEmpty() ? "" : "X-Read-As: " + c[1] + "\r\n")
                        + (chunked ? "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n"
                                : "Content-Length: " + body.length + "\r\n\r\n")
                        + c[2] + (chunked ? "\r\n0\r\n\r\n" : "");
                int from = logText().length();
                RawHttp.Response answer = RawHttp.exchange(port, request);

                String as = (chunked ? "chunked " : "with a length ") + c[0] + " " + c[1] + " " + c[2];
                if (c[3].equals("400")) {
                    assertThat(answer.status()).as(as).isEqualTo(400);
                    assertThat(answer.body()).as(as).contains("\"status\":400");
                    awaitLogLine("POST /app/params?a=q1&q=%C3%A9&r=", from);
                    assertQuietSince(as, from);
                } else {
                    assertThat(answer.status()).as(as).isEqualTo(200);
                    assertThat(answer.body()).as(as).isEqualTo("params " + c[3]);
                }
            }
        }
    }

    /** A form Liberty parsed before the chain ran (a filter ahead of it asked for parameters) keeps its parameters. */
    @Test
    void aFormReadBeforeTheChainKeepsItsParameters() throws IOException {
        String body = "a=1&b=2";
        RawHttp.Response answer = RawHttp.exchange(port, "POST /app/params?q=1 HTTP/1.1\r\nHost: liberty\r\n"
                + "X-Container-First: 1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("params a=[1];b=[2];q=[1];");
    }

    /**
     * The request's query string reads in the encoding of the first read, as Liberty reads it: an
     * include whose servlet sets another encoding changes none of the values (the kit parsed it again
     * for the include's own query, in the new encoding).
     */
    @Test
    void theQueryKeepsTheEncodingOfTheFirstRead() throws IOException {
        String body = "a=1";
        RawHttp.Response answer = RawHttp.exchange(port, "POST /app/includes?q=%C3%A9 HTTP/1.1\r\nHost: liberty\r\n"
                + "X-Read-As: UTF-8\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(
                "before [195, 169] | params a=[1];f=[1];q=[\\u00c3\\u00a9]; | after [195, 169]");
    }

    /** A broken escape in a query string is the client's mistake, not a 500 (Liberty's parser throws a bare IllegalArgumentException). */
    @Test
    void aBrokenEscapeInTheQueryIsA400() throws IOException {
        for (String query : new String[] {"a=%zz", "a=%u00e9", "%G1=1"}) {
            int from = logText().length();
            RawHttp.Response answer = RawHttp.exchange(port, get("/app/params?" + query));

            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.body()).as(query).contains("\"status\":400");
            assertQuietAbout("GET /app/params?" + query, from);
        }
        assertThat(RawHttp.exchange(port, get("/app/params?a=%e")).body()).isEqualTo("params a=[%e];");
    }

    /**
     * A client that stops sending mid-body, its connection kept open, is the client's doing too:
     * Liberty's read timeout (here 2 s) fails the read with a SocketTimeoutException raised on its TCP
     * channel's selector thread: a 400, no ERROR (it was a 500 and an ERROR with the stack).
     */
    @Test
    void aClientThatStallsMidBodyIsTheClientsFault() throws IOException {
        String form = "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\na=" + "b".repeat(50);
        String bytes = "Content-Length: 1000\r\n\r\n" + "a".repeat(50);
        for (String[] read : new String[][] {{"/app/param", form}, {"/app/stream", bytes}, {"/app/reader", bytes}}) {
            String path = read[0] + "?case=stalled";
            int from = logText().length();
            try (RawHttp http = RawHttp.connect(impatientPort)) {
                http.send("POST " + path + " HTTP/1.1\r\nHost: liberty\r\n" + read[1]);
                String received = http.receivedUntilClosed();

                assertThat(received).as(path).startsWith("HTTP/1.1 400");
            }
            assertQuietAbout("POST " + path, from);
        }
    }

    /** F3: a chunk size that is not hexadecimal is the client's mistake: 400, quietly. */
    @Test
    void aBrokenChunkSizeIsTheClientsFaultOnEveryWayToReadIt() throws IOException {
        String form = "Content-Type: application/x-www-form-urlencoded\r\n";
        for (String[] read : new String[][] {{"/app/stream", ""}, {"/app/reader", ""}, {"/app/param", form}}) {
            String path = read[0] + "?case=bad-chunk";
            int from = logText().length();
            RawHttp.Response answer = RawHttp.exchange(port, "POST " + path + " HTTP/1.1\r\nHost: liberty\r\n" + read[1]
                    + "Transfer-Encoding: chunked\r\n\r\n" + "3\r\na=b\r\nzz\r\n");

            assertThat(answer.status()).as(path).isEqualTo(400);
            assertQuietAbout("POST " + path, from);
        }
    }

    /** F3: a client leaving mid-download is no server failure, whether the write's exception comes as it is or wrapped. */
    @Test
    void aClientLeavingMidDownloadIsQuiet() throws IOException {
        for (String path : new String[] {"/app/large?case=gone", "/app/large?unchecked&case=gone-unchecked"}) {
            int from = logText().length();
            assertThat(RawHttp.readThenReset(port, get(path), 256 * 1024)).as(path).isEqualTo(256 * 1024);
            assertQuietAbout("GET " + path, from);
        }
    }

    /**
     * F4: async requests leave no SRVE9015E (a request asked of a completed context) in the log.
     * Liberty logs it only while a trace is enabled, as the server here has one.
     */
    @Test
    void asyncRequestsLeaveNoErrorInTheLog() throws IOException {
        int from = logText().length();
        RawHttp.Response ok = RawHttp.exchange(port, get("/app/asyncok?case=async-ok"));

        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("async ok");
        assertQuietAbout("GET /app/asyncok?case=async-ok", from);

        from = logText().length();
        RawHttp.Response failed = RawHttp.exchange(port, get("/app/taskthrows?case=async-task-fails"));

        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.header("Content-Type")).startsWith("application/problem+json");
        assertOnlyTheKitsErrorAbout("GET /app/taskthrows?case=async-task-fails", from,
                "failed in an asynchronous task and was answered 500");

        from = logText().length();
        RawHttp.Response timedOut = RawHttp.exchange(port, get("/app/asynctimeout?case=timeout"));

        assertThat(timedOut.status()).isEqualTo(500);
        assertThat(timedOut.header("Content-Type")).startsWith("application/problem+json");
        assertOnlyTheKitsErrorAbout("GET /app/asynctimeout?case=timeout", from, "timed out in asynchronous mode and was answered 500");
    }

    /** F5: a bad init-param in web.xml stops the application, as on every other container. */
    @Test
    void aBadInitParamStopsTheApplication() throws IOException {
        String logged = logText();
        assertThat(logged).contains("badparams was not started").doesNotContain("Application badparams started");
        assertThat(RawHttp.exchange(port, get("/bad/health")).status()).isEqualTo(404);
    }

    /** F10: Liberty's multipart complaints are the client's: over @MultipartConfig's maxFileSize 413, broken 400. */
    @Test
    void multipartMistakesAreTheClients() throws IOException {
        String tooLarge = "--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(30_000) + "\r\n--xyz--\r\n";
        String broken = "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno closing boundary";
        int from = logText().length();

        assertThat(multipart("/app/parts?case=part-too-large", tooLarge).status()).isEqualTo(413);
        assertThat(multipart("/app/parts?case=broken-multipart", broken).status()).isEqualTo(400);
        assertQuietAbout("POST /app/parts?case=broken-multipart", from);
    }

    /** Liberty is a container the kit knows: no note that it is not. */
    @Test
    void libertyIsAKnownContainer() throws IOException {
        assertThat(logText()).doesNotContain("is not Jetty, Tomcat");
    }

    private static RawHttp.Response multipart(String path, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        return RawHttp.exchange(port, "POST " + path + " HTTP/1.1\r\nHost: liberty\r\n"
                + "Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: " + bytes.length + "\r\n\r\n" + body);
    }

    /** As on Jetty and Tomcat ({@code DispatchAuthorizationTest}): the application's dispatches meet the rules of their target. */
    @Test
    void theApplicationsDispatchesAreHeldToTheRulesOfTheirTarget() throws IOException {
        for (String path : List.of("/app/dispatch/forward", "/app/dispatch/async")) {
            RawHttp.Response refused = RawHttp.exchange(port, getWithKey(path, LibertyApp.SYSTEM_KEY));
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.body()).as(path).contains("\"status\":403").doesNotContain("admin");
            assertThat(RawHttp.exchange(port, getWithKey(path, LibertyApp.MANAGER_KEY)).body()).as(path)
                    .isEqualTo("admin ops");
        }
        assertThat(RawHttp.exchange(port, getWithKey("/app/dispatch/include", LibertyApp.SYSTEM_KEY))
                .body()).isEqualTo("[page]");
        assertThat(RawHttp.exchange(port, getWithKey("/app/dispatch/include", LibertyApp.MANAGER_KEY))
                .body()).isEqualTo("[page]admin ops");
    }

    private static String getWithKey(String path, String token) {
        return "GET " + path + " HTTP/1.1\r\nHost: liberty\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: liberty\r\n\r\n";
    }

    /**
     * Asserts that the log, from {@code from} on, has the access line of {@code request} and no ERROR
     * (the kit's), [ERROR] or [WARNING] (Liberty's) line, once a later request has been logged too:
     * Liberty logs an exception escaping the chain before it ends that request.
     */
    private static void assertQuietAbout(String request, int from) throws IOException {
        awaitLogLine(request + " status=", from);
        assertQuietSince(request, from);
    }

    /** Asserts that the log, from {@code from} on, has no ERROR or WARNING line, once a later request has been logged too. */
    private static void assertQuietSince(String request, int from) throws IOException {
        String fence = "/app/fence-" + ++fences;
        RawHttp.exchange(port, get(fence));
        awaitLogLine("GET " + fence + " status=", from);
        String logged = logText().substring(from);
        assertThat(logged).as(request).doesNotContain("ERROR ", "[ERROR", "[WARNING");
    }

    /**
     * Asserts that the log, from {@code from} on, has the access line of {@code request}, the kit's
     * one ERROR line about it ({@code kitsLine}), and no line of Liberty's at ERROR or WARNING (its
     * SRVE9015E, SRVE0315E, SRVE8115W), once a later request has been logged too.
     */
    private static void assertOnlyTheKitsErrorAbout(String request, int from, String kitsLine) throws IOException {
        awaitLogLine(request + " status=", from);
        String fence = "/app/fence-" + ++fences;
        RawHttp.exchange(port, get(fence));
        awaitLogLine("GET " + fence + " status=", from);
        String logged = logText().substring(from);
        assertThat(logged).as(request).contains(kitsLine).doesNotContain("[ERROR", "[WARNING");
        assertThat(Pattern.compile("^ERROR ", Pattern.MULTILINE).matcher(logged).results().count()).as(request).isOne();
    }

    private static String awaitLogLine(String text, int from) {
        return ServerFiles.awaitLogLine(log, text, from, LOG_DEADLINE);
    }

    private static String logText() throws IOException {
        return ServerFiles.logText(log);
    }

    /**
     * An exploded WAR: the application's own package of the test classes, the filters as a jar (so
     * that Liberty finds InitParamsCheck through its {@code META-INF/services}), and the jars of
     * SLF4J, Bucket4j and Logback, with a Logback configuration writing to the console.
     */
    private static Path assembleWebApplication(Path root) throws IOException, URISyntaxException {
        Path classes = root.resolve("WEB-INF").resolve("classes");
        String appPackage = LibertyApp.class.getPackageName().replace('.', '/');
        copyTree(codeSource(LibertyApp.class).resolve(appPackage), classes.resolve(appPackage));
        addLibraries(root);
        Files.writeString(classes.resolve("logback.xml"), """
                <configuration>
                  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%-5level %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="dev.palisade" level="DEBUG"/>
                  <root level="INFO"><appender-ref ref="CONSOLE"/></root>
                </configuration>
                """, StandardCharsets.UTF_8);
        return root;
    }

    /** A WAR whose descriptor gives the size limit a bad value: its start must fail. */
    private static Path assembleBadParamsApplication(Path root) throws IOException, URISyntaxException {
        addLibraries(root);
        Files.writeString(root.resolve("WEB-INF").resolve("web.xml"), """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <filter>
                    <filter-name>sizeLimit</filter-name>
                    <filter-class>dev.palisade.filters.RequestSizeLimitFilter</filter-class>
                    <init-param><param-name>maxBytes</param-name><param-value>12abc</param-value></init-param>
                  </filter>
                  <filter-mapping><filter-name>sizeLimit</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                </web-app>
                """, StandardCharsets.UTF_8);
        return root;
    }

    private static void addLibraries(Path root) throws IOException, URISyntaxException {
        Path lib = root.resolve("WEB-INF").resolve("lib");
        Files.createDirectories(lib);
        jar(codeSource(Hardening.class), lib.resolve("hardening-filters.jar"));
        for (Class<?> inJar : new Class<?>[] {Logger.class, Bucket.class, LoggerContext.class, Appender.class}) {
            Path jar = codeSource(inJar);
            Files.copy(jar, lib.resolve(jar.getFileName()));
        }
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.walk(classes)) {
            for (Path each : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new ZipEntry(classes.relativize(each).toString().replace('\\', '/')));
                Files.copy(each, out);
                out.closeEntry();
            }
        }
    }
}
