package dev.palisade.filters.modulepath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as the automatic module {@code dev.palisade.filters}, in a named application
 * module on Jetty 12 (ee10, HTTP/1.1 and h2c), in a child JVM with nothing on its class path: every
 * filter answers as on the class path, and none of the kit's lookups of Jetty's classes fails (a
 * lookup that failed would only log at DEBUG and quietly lose a behaviour, such as aborting a
 * connection or holding an HTTP/2 early answer). Run by failsafe after {@code package}, with the
 * jar's path in {@code palisade.kit.jar}; the application's sources are in {@code src/it/modulepath}.
 */
class ModulePathIT {
    private static final String KEY = "Zk3pQ9xL2mN7vR4tY8wB1cD6";
    private static final String AUTHORIZATION = "Authorization: Bearer " + KEY + "\r\n";
    /** What the application needs on its module path, from this test's class path. */
    private static final Pattern MODULE_JARS = Pattern.compile("(jetty-(util|io|http|server|session|security"
            + "|ee10-servlet|http2-server|http2-common|http2-hpack)|jakarta\\.servlet-api|slf4j-api|bucket4j_jdk17-core"
            + "|logback-classic|logback-core)-[0-9][^" + Pattern.quote(File.separator) + "]*\\.jar");
    /** What the kit logs when it cannot reach a container class it looks for. */
    private static final Pattern LOOKUP_FAILED = Pattern.compile(
            "not usable|not visible|not found|InaccessibleObjectException|IllegalAccess|ClassNotFoundException");

    @TempDir
    Path dir;

    @Test
    void theKitWorksAsANamedModuleOnTheModulePath() throws Exception {
        String modulePath = modulePath();
        Path classes = compileTheApplication(modulePath);
        Path portFile = dir.resolve("port");
        Path output = dir.resolve("output.txt");
        Path logback = Files.writeString(dir.resolve("logback.xml"), "<configuration>"
                + "<appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%level %logger - %msg%n</pattern></encoder></appender>"
                + "<logger name=\"dev.palisade\" level=\"DEBUG\"/>"
                + "<root level=\"INFO\"><appender-ref ref=\"OUT\"/></root></configuration>");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + logback,
                "--module-path", modulePath + File.pathSeparator + classes,
                "-m", "palisade.smoke/smoke.ModulePathServer", portFile.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        // Only what is set here: a RATE_LIMIT_ALLOWLIST or CLASSPATH of the build's must not reach the child.
        builder.environment().clear();
        builder.environment().putAll(Map.of("API_KEYS", KEY + "@team-a:manager", "REQUEST_SIZE_LIMIT_KB", "1",
                "RATE_LIMIT_RPS", "0.01", "RATE_LIMIT_BURST", "10", "ENV", "prod"));
        Process child = builder.start();
        try {
            Awaitility.await("the application's port").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.exists(portFile) || !child.isAlive());
            assertThat(child.isAlive()).as("application running; output:%n%s", read(output)).isTrue();
            int port = Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII));

            RawHttp.Response ok = get(port, "/ok", AUTHORIZATION);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("ok team-a");
            assertThat(ok.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(ok.header("X-Request-Id")).isNotBlank();

            RawHttp.Response anonymous = get(port, "/ok", "");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");

            RawHttp.Response boom = get(port, "/boom", AUTHORIZATION);
            assertThat(boom.status()).isEqualTo(500);
            assertThat(boom.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(boom.body()).contains("\"requestId\"").doesNotContain("secret");

            String chunk = "a".repeat(1500);
            RawHttp.Response tooLarge = RawHttp.exchange(port, "POST /echo HTTP/1.1\r\nHost: x\r\n" + AUTHORIZATION
                    + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                    + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n");
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.header("Content-Type")).isEqualTo("application/problem+json");

            // Committed, then failed: the kit ends the connection (through Jetty's classes) rather than the body.
            String late = RawHttp.receivedUntilClosed(port, "GET /late HTTP/1.1\r\nHost: x\r\n" + AUTHORIZATION + "\r\n");
            assertThat(late).startsWith("HTTP/1.1 200").contains("partial").doesNotContain("\r\n0\r\n\r\n");

            overHttp2(port);

            RawHttp.Response limited = null;
            for (int i = 0; i < 10 && (limited == null || limited.status() != 429); i++) {
                limited = get(port, "/ok", AUTHORIZATION);
            }
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).isNotBlank();

            String log = read(output);
            assertThat(log).contains("smoke module palisade.smoke (named: true), kit module dev.palisade.filters")
                    .contains("failed and was answered 500: GET /boom")
                    .contains("failed after its response was committed; aborting the connection: GET /late");
            assertThat(log.lines().filter(line -> LOOKUP_FAILED.matcher(line).find()))
                    .as("the kit's lookups of Jetty's classes; output:%n%s", log).isEmpty();
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A small GET and a body over the limit on h2c, where an early answer waits for the client's PING acknowledgement. */
    private static void overHttp2(int port) throws Exception {
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.start();
        try {
            ContentResponse ok = client.newRequest("127.0.0.1", port).path("/ok")
                    .headers(h -> h.put("Authorization", "Bearer " + KEY)).timeout(10, TimeUnit.SECONDS).send();
            assertThat(ok.getStatus()).isEqualTo(200);
            assertThat(ok.getHeaders().get("X-Frame-Options")).isEqualTo("DENY");

            ContentResponse tooLarge = client.newRequest("127.0.0.1", port).path("/echo").method(HttpMethod.POST)
                    .headers(h -> h.put("Authorization", "Bearer " + KEY))
                    .body(new BytesRequestContent(new byte[3000])).timeout(10, TimeUnit.SECONDS).send();
            assertThat(tooLarge.getStatus()).isEqualTo(413);
            assertThat(tooLarge.getContentAsString()).contains("\"status\":413");
        } finally {
            client.stop();
        }
    }

    private static RawHttp.Response get(int port, String path, String fields) throws IOException {
        return RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + fields + "Connection: close\r\n\r\n");
    }

    /** The packaged kit and the jars of the modules the application reads, each found once. */
    private static String modulePath() {
        String kitJar = System.getProperty("palisade.kit.jar");
        assertThat(kitJar).as("palisade.kit.jar (set by failsafe to the packaged jar)").isNotBlank();
        assertThat(Path.of(kitJar)).exists();
        List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> MODULE_JARS.matcher(Path.of(entry).getFileName().toString()).matches())
                .collect(Collectors.toCollection(ArrayList::new));
        assertThat(jars).as("the application's modules on this class path").hasSize(15);
        jars.add(kitJar);
        return String.join(File.pathSeparator, jars);
    }

    private Path compileTheApplication(String modulePath) throws IOException {
        Path sources = Path.of(System.getProperty("basedir", "."), "src", "it", "modulepath");
        List<String> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).collect(Collectors.toList());
        }
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(),
                "--module-path", modulePath));
        arguments.addAll(files);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, errors, errors, arguments.toArray(String[]::new));
        assertThat(status).as("javac: %s", errors.toString(StandardCharsets.UTF_8)).isZero();
        return classes;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
