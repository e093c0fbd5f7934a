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
import dev.palisade.filters.payaraapp.PayaraApp;
import dev.palisade.filters.testing.RawH2;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.ServerFiles;
import io.github.bucket4j.Bucket;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The kit on a real Payara Micro (GlassFish's Catalina on Grizzly), started as a process of its own
 * with the test JVM's Java, serving an exploded WAR the test assembles: {@link PayaraApp} with the
 * filters' classes, SLF4J, Bucket4j and Logback (writing to the process's output, which is Payara's
 * log here). Asserted with raw sockets: how a connection ends, and what Payara's log says.
 *
 * <p>Runs in the default surefire execution only: nothing here depends on Jetty's environment.
 * The port is a free one on 127.0.0.1, or {@code palisade.test.payara.port}. Another Payara Micro
 * can be tried with {@code palisade.test.payara.jar} and, for Payara 7 (Java 21 and later),
 * {@code palisade.test.payara.java} naming its {@code java} binary.
 */
class PayaraTest {
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);
    private static final Duration LOG_DEADLINE = Duration.ofSeconds(15);
    private static final Path WORK = Path.of("target", "payara");

    private static Process payara;
    private static Path log;
    private static int port;
    private static int fences;

    @BeforeAll
    static void start() throws IOException, URISyntaxException {
        assumeFalse("ee11".equals(System.getProperty("palisade.test.jetty")),
                "Payara runs in the default execution only: it does not depend on Jetty's environment");
        deleteRecursively(WORK);
        Path app = assembleWebApplication(WORK.resolve("app"));
        Path preboot = WORK.resolve("preboot.txt");
        Files.writeString(preboot, "set configs.config.server-config.network-config.network-listeners.network-listener"
                + ".http-listener.address=127.0.0.1\n", StandardCharsets.UTF_8);
        port = Integer.getInteger("palisade.test.payara.port", freePort());
        log = WORK.resolve("payara.log");
        List<String> command = List.of(System.getProperty("palisade.test.payara.java",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                "-jar", payaraMicroJar().toString(),
                "--nocluster", "--nohazelcast", "--disablephonehome",
                "--rootdir", WORK.resolve("root").toAbsolutePath().toString(),
                "--port", Integer.toString(port),
                "--prebootcommandfile", preboot.toAbsolutePath().toString(),
                "--contextroot", "app",
                "--deploy", app.toAbsolutePath().toString());
        payara = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // Killed with the test JVM too (a surefire timeout, Ctrl-C), where @AfterAll never runs.
        Process process = payara;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }));
        // "Failed to start": Payara stays alive after it, for instance when its port was taken.
        await().atMost(START_DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> !payara.isAlive()
                || logText().contains(" ready in ") || logText().contains("Failed to start"));
        String startLog = logText();
        assertThat(payara.isAlive() && startLog.contains(" ready in ")).as("Payara Micro did not start; its log ends: %s",
                startLog.substring(Math.max(0, startLog.length() - 3000))).isTrue();
        assertThat(logText()).as("the chain installed").contains("Palisade chain installed");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (payara == null) {
            return;
        }
        payara.destroy();
        if (!payara.waitFor(20, TimeUnit.SECONDS)) {
            payara.descendants().forEach(ProcessHandle::destroyForcibly);
            payara.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** F2: a failure after the commit breaks the connection: no last chunk, no connection kept. */
    @Test
    void aFailureAfterTheCommitBreaksTheConnection() throws IOException {
        try (RawHttp http = RawHttp.connect(port)) {
            String received = http.send(get("/app/throwcommitted?case=commit")).readAll();

            assertThat(received).startsWith("HTTP/1.1 200").contains("line 1999 of a response that will fail");
            assertThat(received).doesNotEndWith("0\r\n\r\n");
        }
    }

    /** F2: an async timeout after the commit breaks the connection too. */
    @Test
    void anAsyncTimeoutAfterTheCommitBreaksTheConnection() throws IOException {
        try (RawHttp http = RawHttp.connect(port)) {
            String received = http.send(get("/app/asynctimeout?commit&case=committed-timeout")).readAll();

            assertThat(received).startsWith("HTTP/1.1 200").contains("partial");
            assertThat(received).doesNotEndWith("0\r\n\r\n");
        }
    }

    /**
     * A task failing after it committed breaks the connection at once (not at the cycle's 30 s
     * timeout, past the client's 10 s), is logged once by the kit and not by Payara, the access log
     * has its line then, and the application's listener hears {@code onError} (Payara tells no
     * listener {@code onComplete} once the connection is closed, as after a timeout after commit).
     */
    @Test
    void aTaskFailingAfterTheCommitBreaksTheConnectionAtOnce() throws IOException {
        int from = logText().length();
        try (RawHttp http = RawHttp.connect(port)) {
            String received = http.send(get("/app/taskfails?case=task")).receivedUntilClosed();

            assertThat(received).startsWith("HTTP/1.1 200").contains("task started").doesNotEndWith("0\r\n\r\n");
        }
        awaitLogLine("listener of task heard onError", from);
        awaitLogLine("GET /app/taskfails?case=task status=", from);
        String logged = logText().substring(from);
        assertThat(logged).containsOnlyOnce("the task failed after the commit").doesNotContain("SEVERE", "WARNING");
    }

    /** F2: a body read past the size limit after the commit breaks the connection. */
    @Test
    void aBodyOverTheLimitAfterTheCommitBreaksTheConnection() throws IOException {
        try (RawHttp http = RawHttp.connect(port)) {
            http.send("POST /app/commitread?case=committed-overflow HTTP/1.1\r\nHost: payara\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[16 * 1024];
            for (int i = 0; i < 6 && !http.writeFailed(); i++) {
                http.chunk(chunk);
            }
            String received = http.readAll();

            assertThat(received).startsWith("HTTP/1.1 200").contains("started").doesNotContain("done");
            assertThat(received).doesNotEndWith("0\r\n\r\n");
        }
    }

    /**
     * F2 over HTTP/2 (h2c, prior knowledge): a failure after the commit resets the request's stream
     * (Payara on its own ended it cleanly, END_STREAM on an empty DATA frame), and only that stream:
     * the next request on the same connection is answered. Payara logs nothing about it.
     */
    @Test
    void overHttp2AFailureAfterTheCommitResetsTheStreamNotTheConnection() throws Exception {
        int from = logText().length();
        try (RawH2 h2 = new RawH2("127.0.0.1", port)) {
            RawH2.StreamResult thrown = h2.get(1, "/app/throwcommitted?case=h2-commit", 10_000);
            RawH2.StreamResult timedOut = h2.get(3, "/app/asynctimeout?commit&case=h2-committed-timeout", 10_000);
            // Streamed without a length, so that the servlet commits before the limit is crossed.
            h2.request(5, "POST", "/app/commitread?case=h2-committed-overflow", false);
            byte[] chunk = new byte[16 * 1024];
            for (int i = 0; i < 3; i++) {
                h2.data(5, chunk, false);
            }
            // The stream's window is 64 KiB: the rest once Payara has read some.
            assertThat(h2.awaitFrame(5, RawH2.WINDOW_UPDATE, 10_000)).as("Payara read the body").isNotNull();
            h2.data(5, chunk, false);
            h2.data(5, chunk, false);
            RawH2.StreamResult overflowed = h2.await(5, 10_000);
            RawH2.StreamResult task = h2.get(7, "/app/taskfails?case=h2-task", 10_000);
            RawH2.StreamResult next = h2.get(9, "/app/stream?case=h2-after-resets", 10_000);

            assertThat(thrown.body()).startsWith("line 0 of a response that will fail");
            assertThat(timedOut.body()).isEqualTo("partial");
            assertThat(overflowed.body()).isEqualTo("started\n");
            assertThat(task.body()).isEqualTo("task started");
            for (RawH2.StreamResult failed : List.of(thrown, timedOut, overflowed, task)) {
                assertThat(failed.status()).isEqualTo(200);
                assertThat(failed.reset()).as("RST_STREAM; frames %s", failed.frames()).isNotNull();
                assertThat(failed.frames()).noneMatch(RawH2.Frame::endStream);
            }
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("stream 0");
            assertThat(next.reset()).isNull();
            assertThat(next.goAway()).as("the connection carries on").isFalse();
        }
        awaitLogLine("GET /app/stream?case=h2-after-resets status=", from);
        assertThat(logText().substring(from)).as("Payara's own log").doesNotContain("SEVERE", "WARNING");
    }

    /**
     * A request whose connection the kit closes mid-body is served once: closing gracefully, Grizzly
     * went on parsing the body bytes it had buffered as a new request with the same header fields,
     * and the servlet ran again (a second access-log line, a new request id), every time.
     */
    @Test
    void aRequestClosedMidBodyIsServedOnce() throws IOException {
        for (int i = 0; i < 3; i++) {
            try (RawHttp http = RawHttp.connect(port)) {
                http.send("POST /app/commitread?case=served-once HTTP/1.1\r\nHost: payara\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n");
                byte[] chunk = new byte[16 * 1024];
                for (int c = 0; c < 6 && !http.writeFailed(); c++) {
                    http.chunk(chunk);
                }
                assertThat(http.readAll()).startsWith("HTTP/1.1 200").doesNotEndWith("0\r\n\r\n");
            }
        }
        // Each request's own line comes after its connection closed; a second run would follow it at
        // once on the same thread, so a later request's line comes after both.
        await().atMost(LOG_DEADLINE).pollInterval(Duration.ofMillis(50)).until(() -> servedOnceLines() >= 3);
        assertThat(RawHttp.exchange(port, get("/app/stream?case=after-served-once")).status()).isEqualTo(200);
        awaitLogLine("GET /app/stream?case=after-served-once status=", 0);

        assertThat(servedOnceLines()).isEqualTo(3);
    }

    private static int servedOnceLines() throws IOException {
        return logText().split("POST /app/commitread\\?case=served-once status=", -1).length - 1;
    }

    /** F3: a body the client cut short is its own doing: a 400 if anything, and no ERROR or WARNING in the log. */
    @Test
    void aBodyCutShortIsTheClientsFaultOnEveryWayToReadIt() throws IOException {
        String multipart = "Content-Type: multipart/form-data; boundary=xyz\r\n";
        for (String[] read : new String[][] {{"/app/stream", ""}, {"/app/reader", ""}, {"/app/parts", multipart}}) {
            String path = read[0] + "?case=cut-short";
            int from = logText().length();
            try (RawHttp http = RawHttp.connect(port)) {
                http.send("POST " + path + " HTTP/1.1\r\nHost: payara\r\n" + read[1] + "Content-Length: 1000\r\n\r\n"
                        + "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + "a".repeat(50));
                String received = http.halfClose().receivedUntilClosed();

                // Payara closes the connection once it reads the end of the body: the 400 then cannot be written.
                assertThat(received).as(path).satisfiesAnyOf(
                        answer -> assertThat(answer).isEmpty(),
                        answer -> assertThat(answer).startsWith("HTTP/1.1 400"));
            }
            assertQuietAbout("POST " + path, from);
            // The access log has the answer the chain gave, written or not, not a 500 any client could add.
            assertThat(awaitLogLine("POST " + path + " status=", from)).as(path).contains("status=400");
        }
    }

    /** F4: a client leaving mid-download is no server failure, whether the write's exception comes as it is or wrapped. */
    @Test
    void aClientLeavingMidDownloadIsQuiet() throws IOException {
        for (String path : new String[] {"/app/large?case=gone", "/app/large?unchecked&case=gone-unchecked"}) {
            int from = logText().length();
            assertThat(RawHttp.readThenReset(port, get(path), 256 * 1024)).as(path).isEqualTo(256 * 1024);
            assertQuietAbout("GET " + path, from);
        }
    }

    /**
     * Grizzly's "Connection closed" from a backend's connection, this request's client still there:
     * the server's failure, a 500 problem and an ERROR line, not a departed client's quiet end.
     */
    @Test
    void aBackendsClosedGrizzlyConnectionIsTheServersFailure() throws IOException {
        for (String path : new String[] {"/app/backendclosed?case=backend", "/app/backendclosed?wrapped&case=backend-wrapped"}) {
            int from = logText().length();
            RawHttp.Response r = RawHttp.exchange(port, get(path));

            assertThat(r.status()).as(path).isEqualTo(500);
            assertThat(r.header("Content-Type")).as(path).startsWith("application/problem+json");
            awaitLogLine("GET " + path + " status=500", from);
            assertThat(logText().substring(from)).as(path).contains("failed and was answered 500");
        }
    }

    /** F5: Payara's multipart parser's complaints are the client's: over @MultipartConfig's maxFileSize 413, broken 400. */
    @Test
    void multipartMistakesAreTheClients() throws IOException {
        String tooLarge = "--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(30_000) + "\r\n--xyz--\r\n";
        String broken = "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno closing boundary";

        assertThat(multipart("/app/parts?case=part-too-large", tooLarge).status()).isEqualTo(413);
        assertThat(multipart("/app/parts?case=broken-multipart", broken).status()).isEqualTo(400);
    }

    /** F6: after a 413 that leaves the body unread, the connection closes at once (Payara kept it ~30 s). */
    @Test
    void theConnectionClosesAfterA413LeavingTheBodyUnread() throws IOException {
        try (RawHttp http = RawHttp.connect(port)) {
            http.send("POST /app/stream?case=unread HTTP/1.1\r\nHost: payara\r\nContent-Length: 1000000\r\n\r\n"
                    + "a".repeat(1000));
            long start = System.nanoTime();

            assertThat(http.readResponse().status()).isEqualTo(413);
            assertThat(http.closedByServer()).as("closed within the read timeout").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    /** F7: the access log names the 500 an async timeout was answered with (Payara commits it at once). */
    @Test
    void theAccessLogNamesTheStatusOfAnAsyncTimeout() throws IOException {
        assertThat(RawHttp.exchange(port, get("/app/asynctimeout?case=timeout")).status()).isEqualTo(500);

        String line = awaitLogLine("GET /app/asynctimeout?case=timeout status=", 0);
        assertThat(line).contains("status=500");
    }

    /** The same after a task set 202 through the chain's wrappers: the client got the 500 problem. */
    @Test
    void theAccessLogNamesTheProblemOfAnAsyncTimeoutAfterATaskSetAStatus() throws IOException {
        assertThat(RawHttp.exchange(port, get("/app/asynctimeout?case=timeout-after-202&accepted")).status())
                .isEqualTo(500);

        String line = awaitLogLine("GET /app/asynctimeout?case=timeout-after-202&accepted status=", 0);
        assertThat(line).contains("status=500");
    }

    /**
     * F8: a chunked form, which the kit parses itself, reads as Payara reads one with a length: the
     * query string decoded as ISO-8859-1, and a pair with a broken escape dropped (query and body).
     */
    @Test
    void aChunkedFormReadsAsOneWithALength() throws IOException {
        String path = "/app/params?q=%C3%A9&broken=%zz&case=chunked-form";
        String form = "f=%41&bad=x%4";
        RawHttp.Response withLength = postForm(path, form, false);
        RawHttp.Response chunked = postForm(path, form, true);

        assertThat(withLength.status()).isEqualTo(200);
        assertThat(withLength.body()).isEqualTo("case=U+63 U+68 U+75 U+6e U+6b U+65 U+64 U+2d U+66 U+6f U+72 U+6d ;"
                + "f=U+41 ;q=U+c3 U+a9 ;");
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.body()).isEqualTo(withLength.body());
    }

    /**
     * The same after the application set UTF-8 as the request's character encoding: Payara then
     * decodes the query in it, and a body's bytes not valid in it as U+FFFD, keeping the pair.
     */
    @Test
    void aChunkedFormReadsAsOneWithALengthInTheEncodingTheApplicationSet() throws IOException {
        String path = "/app/params?utf8&q=%C3%A9&case=chunked-utf8";
        String form = "g=%C3%28&h=1";
        RawHttp.Response withLength = postForm(path, form, false);
        RawHttp.Response chunked = postForm(path, form, true);

        assertThat(withLength.status()).isEqualTo(200);
        assertThat(withLength.body()).contains("q=U+e9 ;").contains("g=U+fffd U+28 ;").contains("h=U+31 ;");
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.body()).isEqualTo(withLength.body());
    }

    /**
     * A query with raw bytes outside ASCII (as curl sends {@code ?q=é}), the request's encoding set to
     * UTF-8: Payara hands them out as ISO-8859-1 characters and decodes them as UTF-8 bytes; so must
     * the chunked form.
     */
    @Test
    void aChunkedFormReadsRawQueryBytesAsOneWithALength() throws IOException {
        // The UTF-8 bytes of é, sent as they are (RawHttp writes each char as one ISO-8859-1 byte).
        String path = "/app/params?utf8&q=\u00c3\u00a9&r=%C3%A9&case=chunked-raw";
        RawHttp.Response withLength = postForm(path, "f=1", false);
        RawHttp.Response chunked = postForm(path, "f=1", true);

        assertThat(withLength.status()).isEqualTo(200);
        assertThat(withLength.body()).contains("q=U+e9 ;").contains("r=U+e9 ;");
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.body()).isEqualTo(withLength.body());
    }

    /** {@code form} posted to {@code path} with a length, or chunked (which the kit parses itself). */
    private static RawHttp.Response postForm(String path, String form, boolean chunked) throws IOException {
        String head = "POST " + path + " HTTP/1.1\r\nHost: payara\r\nContent-Type: application/x-www-form-urlencoded\r\n";
        if (!chunked) {
            return RawHttp.exchange(port, head + "Content-Length: " + form.length() + "\r\n\r\n" + form);
        }
        try (RawHttp http = RawHttp.connect(port)) {
            http.send(head + "Transfer-Encoding: chunked\r\n\r\n");
            return http.chunk(form.getBytes(StandardCharsets.US_ASCII)).lastChunk().readResponse();
        }
    }

    private static RawHttp.Response multipart(String path, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        return RawHttp.exchange(port, "POST " + path + " HTTP/1.1\r\nHost: payara\r\n"
                + "Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: " + bytes.length + "\r\n\r\n" + body);
    }

    /** As on Jetty and Tomcat ({@code DispatchAuthorizationTest}): the application's dispatches meet the rules of their target. */
    @Test
    void theApplicationsDispatchesAreHeldToTheRulesOfTheirTarget() throws IOException {
        for (String path : List.of("/app/dispatch/forward", "/app/dispatch/async")) {
            RawHttp.Response refused = RawHttp.exchange(port, getWithKey(path, PayaraApp.SYSTEM_KEY));
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.body()).as(path).contains("\"status\":403").doesNotContain("admin");
            assertThat(RawHttp.exchange(port, getWithKey(path, PayaraApp.MANAGER_KEY)).body()).as(path)
                    .isEqualTo("admin ops");
        }
        assertThat(RawHttp.exchange(port, getWithKey("/app/dispatch/include", PayaraApp.SYSTEM_KEY))
                .body()).isEqualTo("[page]");
        assertThat(RawHttp.exchange(port, getWithKey("/app/dispatch/include", PayaraApp.MANAGER_KEY))
                .body()).isEqualTo("[page]admin ops");
    }

    private static String getWithKey(String path, String token) {
        return "GET " + path + " HTTP/1.1\r\nHost: payara\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: payara\r\n\r\n";
    }

    /**
     * Asserts that Payara's log, from {@code from} on, has the access line of {@code request} and no
     * ERROR (the kit's), SEVERE or WARNING (Payara's) line, once a later request has been logged too:
     * Payara logs an exception escaping the chain before it ends that request.
     */
    private static void assertQuietAbout(String request, int from) throws IOException {
        awaitLogLine(request + " status=", from);
        String fence = "/app/fence-" + ++fences;
        RawHttp.exchange(port, get(fence));
        awaitLogLine("GET " + fence + " status=", from);
        String logged = logText().substring(from);
        assertThat(logged).as(request).doesNotContain("ERROR ", "SEVERE", "WARNING");
    }

    private static String awaitLogLine(String text, int from) {
        return ServerFiles.awaitLogLine(log, text, from, LOG_DEADLINE);
    }

    private static String logText() throws IOException {
        return ServerFiles.logText(log);
    }

    /**
     * An exploded WAR: the application's own package of the test classes, the filters' classes, and
     * the jars of SLF4J, Bucket4j and Logback, with a Logback configuration writing to the console.
     */
    private static Path assembleWebApplication(Path root) throws IOException, URISyntaxException {
        Path classes = root.resolve("WEB-INF").resolve("classes");
        Path lib = root.resolve("WEB-INF").resolve("lib");
        Files.createDirectories(lib);
        copyTree(codeSource(Hardening.class), classes);
        String appPackage = PayaraApp.class.getPackageName().replace('.', '/');
        copyTree(codeSource(PayaraApp.class).resolve(appPackage), classes.resolve(appPackage));
        for (Class<?> inJar : new Class<?>[] {Logger.class, Bucket.class, LoggerContext.class, Appender.class}) {
            Path jar = codeSource(inJar);
            Files.copy(jar, lib.resolve(jar.getFileName()));
        }
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

    /** Payara Micro's jar: on the test class path (a test dependency), or where {@code palisade.test.payara.jar} says. */
    private static Path payaraMicroJar() throws URISyntaxException {
        String given = System.getProperty("palisade.test.payara.jar");
        if (given != null) {
            return Path.of(given);
        }
        try {
            return codeSource(Class.forName("fish.payara.micro.PayaraMicro", false, PayaraTest.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("fish.payara.extras:payara-micro is not on the test class path", e);
        }
    }
}
