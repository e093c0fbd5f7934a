package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code web.xml} example in {@code docs/filters.md}, deployed as it is written in a web
 * application's descriptor on both containers: class names, init-param names and values, async
 * support and dispatcher mappings must all be accepted (a bad one fails the filter's
 * {@code init()}, and the application with it), and the application must then answer.
 */
public class DocsWebXmlTest {
    /** How many examples docs/filters.md holds: a parser that found none would test nothing. */
    private static final int EXAMPLES = 6;

    @TempDir
    Path webApp;

    /** Answers {@code GET /health}. */
    public static final class Health extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("ok");
        }
    }

    /** Answers every {@code /api/*} request with what it read of the body. */
    public static final class Api extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("read " + req.getInputStream().readAllBytes().length);
        }
    }

    /** Answers {@code /async} from a container thread after {@code startAsync()}, as long polls do. */
    public static final class Async extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync();
            async.start(() -> {
                try {
                    resp.setContentType("text/plain");
                    resp.getWriter().write("async ok");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    async.complete();
                }
            });
        }
    }

    static List<String> examples() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("docs/filters.md"))) {
            dir = dir.getParent();
            assertThat(dir).as("docs/filters.md above the working directory").isNotNull();
        }
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : Files.readAllLines(dir.resolve("docs/filters.md"), StandardCharsets.UTF_8)) {
            if (block == null && line.equals("```xml")) {
                block = new StringBuilder();
            } else if (block != null && line.equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    static Stream<Arguments> everyContainerAndExample() throws IOException {
        int count = examples().size();
        return Stream.of(Container.values())
                .flatMap(c -> IntStream.range(0, count).mapToObj(i -> Arguments.of(c, i + 1)));
    }

    @Test
    void theDocsHoldTheExamplesThisTestDeploys() throws IOException {
        assertThat(examples()).hasSize(EXAMPLES).allSatisfy(xml -> assertThat(xml).contains("<filter-class>"));
    }

    private RunningServer deploy(Container container, String example) throws Exception {
        Path descriptor = Files.createDirectories(webApp.resolve("WEB-INF")).resolve("web.xml");
        Files.writeString(descriptor, String.format(Locale.ROOT, """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s
                  <servlet><servlet-name>health</servlet-name>
                    <servlet-class>%s</servlet-class><async-supported>true</async-supported></servlet>
                  <servlet-mapping><servlet-name>health</servlet-name><url-pattern>/health</url-pattern></servlet-mapping>
                  <servlet><servlet-name>api</servlet-name>
                    <servlet-class>%s</servlet-class><async-supported>true</async-supported></servlet>
                  <servlet-mapping><servlet-name>api</servlet-name><url-pattern>/api/*</url-pattern></servlet-mapping>
                  <servlet><servlet-name>async</servlet-name>
                    <servlet-class>%s</servlet-class><async-supported>true</async-supported></servlet>
                  <servlet-mapping><servlet-name>async</servlet-name><url-pattern>/async</url-pattern></servlet-mapping>
                </web-app>
                """, example.replace("/health/*=public", "/health/*=public; /async=public"),
                Health.class.getName(), Api.class.getName(), Async.class.getName()), StandardCharsets.UTF_8);
        return container.startWebApp(webApp);
    }

    private static RawHttp.Response get(RunningServer server, String path) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    @ParameterizedTest(name = "{0} example {1}")
    @MethodSource("everyContainerAndExample")
    void eachExampleDeploysAsWritten(Container container, int example) throws Exception {
        String xml = examples().get(example - 1);
        try (RunningServer server = deploy(container, xml)) {
            RawHttp.Response health = get(server, "/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok");
            if (xml.contains("SafeErrorFilter")) {
                assertThat(health.header("X-Request-Id")).matches("[0-9a-f]{32}");
            }
            // Every filter of the chain must allow async, or the application's startAsync() fails.
            RawHttp.Response async = get(server, "/async");
            assertThat(async.status()).isEqualTo(200);
            assertThat(async.body()).isEqualTo("async ok");
            if (xml.contains("ApiKeyAuthFilter")) {
                // No key sent: whatever API_KEYS holds, a protected route is a 401 problem.
                RawHttp.Response events = get(server, "/api/events/1");
                assertThat(events.status()).isEqualTo(401);
                assertThat(events.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
                assertThat(events.header("WWW-Authenticate")).startsWith("Bearer");
            }
        }
    }

    /** The recommended chain as web.xml declares it, on a chunked body past the default limit. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("containers")
    void theFullChainExampleRefusesAnOversizedChunkedBodyBeforeTheApplication(Container container) throws Exception {
        String chain = examples().get(0).replace("<param-value>/health/*=public; GET /api/events/*=manager",
                "<param-value>/health/*=public; /api/open=public; GET /api/events/*=manager");
        try (RunningServer server = deploy(container, chain); RawHttp http = server.raw()) {
            http.send("POST /api/open HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n");
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; sent <= 1024 * 1024 && !http.writeFailed(); sent += chunk.length) {
                http.chunk(chunk);
            }
            RawHttp.Response r = http.readResponse();

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }
    }

    static Stream<Container> containers() {
        return Stream.of(Container.values());
    }
}
