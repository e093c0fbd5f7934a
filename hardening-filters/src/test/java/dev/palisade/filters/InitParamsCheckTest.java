package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jar's initializer reads its filters' init-params from {@code web.xml} when the application
 * starts, so that a bad one fails the deployment where the container would otherwise serve the
 * application without the filter (Payara, GlassFish) or initialise it at the first request (WildFly).
 * Tomcat runs it from the jar's {@code META-INF/services}, as it would from a WAR's {@code WEB-INF/lib}.
 */
class InitParamsCheckTest {
    @TempDir
    Path webApp;

    /** Answers every request with "ok". */
    public static final class Ok extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("ok");
        }
    }

    @Test
    void theJarNamesItsInitializerForContainersToFind() {
        assertThat(ServiceLoader.load(ServletContainerInitializer.class).stream().map(ServiceLoader.Provider::type))
                .contains(InitParamsCheck.class);
    }

    /** Each filter that reads init-params, with one bad value: the deployment fails before its init() runs. */
    @ParameterizedTest
    @ValueSource(strings = {
        "RequestSizeLimitFilter|maxBytes|64k",
        "RateLimitFilter|rps|fast",
        "ApiKeyAuthFilter|rules|GET /api/*=",
        "SecurityHeadersFilter|hstsMaxAge|-1",
        "EnvironmentGateFilter|devOnlyPaths|debug",
        "SafeErrorFilter|verbose|true",
        "AccessLogFilter|logger|x"})
    void aBadInitParamFailsTheDeploymentBeforeAnyFilterStarts(String filterKeyValue) throws Exception {
        String[] parts = filterKeyValue.split("\\|");
        String filter = "dev.palisade.filters." + parts[0];
        writeWebXml(filterElement("checked", filter, parts[1], parts[2]));
        try (LogCapture check = LogCapture.of(InitParamsCheck.class);
                LogCapture filters = LogCapture.of("dev.palisade.filters." + parts[0])) {
            assertThatThrownBy(() -> Container.TOMCAT.startWebApp(webApp).close())
                    .isInstanceOf(Container.ContextFailedException.class);

            assertThat(check.lines()).singleElement().asString().startsWith("ERROR checked: ").contains(parts[1]);
            // The filter's own init() never ran: it would have logged the same line itself.
            assertThat(filters.lines()).isEmpty();
        }
    }

    @Test
    void goodInitParamsStartAsBefore() throws Exception {
        writeWebXml(filterElement("size", "dev.palisade.filters.RequestSizeLimitFilter", "maxBytes", "65536")
                + filterElement("limit", "dev.palisade.filters.RateLimitFilter", "rps", "50")
                // A filter of another library. (ChainOrderTest declares one without a class, for Hardening.install.)
                + filterElement("other", "org.apache.catalina.filters.SetCharacterEncodingFilter", "encoding", "UTF-8"));
        try (LogCapture check = LogCapture.of(InitParamsCheck.class); RunningServer server = Container.TOMCAT.startWebApp(webApp);
                RawHttp c = server.raw()) {
            c.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(c.readAll()).startsWith("HTTP/1.1 200").endsWith("ok");
            assertThat(check.lines()).isEmpty();
        }
    }

    /**
     * A filter made in code with its {@code Config} reads no environment variable: a bad one must
     * not fail the start (the registration looks the same as one the container makes from the class).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aRegistrationWithoutInitParamsIsLeftToTheFilter(Container container) throws Exception {
        Function<String, String> badEnvironment = Map.of("RATE_LIMIT_RPS", "fast", "REQUEST_SIZE_LIMIT_KB", "64k")::get;
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("limit", new RateLimitFilter(RateLimitFilter.Config.builder().rps(50).build()))
                    .addMappingForUrlPatterns(null, false, "/*");
            ctx.addFilter("size", new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().maxBytes(1024).build()))
                    .addMappingForUrlPatterns(null, false, "/*");
            try {
                new InitParamsCheck(badEnvironment).onStartup(Set.of(), ctx);
            } catch (ServletException e) {
                throw new IllegalStateException(e);
            }
            ctx.addServlet("ok", new Ok()).addMapping("/");
        }); RawHttp c = server.raw()) {
            c.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(c.readAll()).startsWith("HTTP/1.1 200").endsWith("ok");
        }
    }

    private static String filterElement(String name, String className, String key, String value) {
        return String.format(Locale.ROOT, """
                <filter><filter-name>%s</filter-name><filter-class>%s</filter-class>
                  <init-param><param-name>%s</param-name><param-value>%s</param-value></init-param></filter>
                <filter-mapping><filter-name>%s</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                """, name, className, key, value, name);
    }

    private void writeWebXml(String filters) throws IOException {
        Files.writeString(Files.createDirectories(webApp.resolve("WEB-INF")).resolve("web.xml"), String.format(Locale.ROOT, """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s<servlet><servlet-name>ok</servlet-name><servlet-class>%s</servlet-class></servlet>
                  <servlet-mapping><servlet-name>ok</servlet-name><url-pattern>/</url-pattern></servlet-mapping>
                </web-app>
                """, filters, Ok.class.getName()), StandardCharsets.UTF_8);
    }

}
