package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.JavaExamples;
import dev.palisade.filters.testing.JavaExamples.Example;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Java example in {@code docs/filters.md}, compiled as it is written against this build's
 * classes (and Jetty's, Tomcat's and Lettuce's, for the examples that start a server or a Redis
 * store): a renamed method, a changed signature or a missing import in the kit shows up here, not
 * in a reader's IDE. The names the docs leave to the reader ({@code servletContext}, {@code ctx},
 * {@code redisConnection}, the application's servlets) are declared around each example.
 * {@link DocsWebXmlTest} deploys the {@code web.xml} examples.
 */
class DocsJavaExamplesTest {
    /** How many examples docs/filters.md holds: a parser that found none would test nothing. */
    private static final int EXAMPLES = 9;

    private static final String IMPORTS = """
            import dev.palisade.filters.*;
            import io.lettuce.core.api.StatefulRedisConnection;
            import jakarta.servlet.*;
            import jakarta.servlet.http.*;
            import java.nio.file.Files;
            import java.util.*;
            import org.apache.catalina.Context;
            import org.apache.catalina.LifecycleState;
            import org.apache.catalina.startup.Tomcat;
            import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
            import org.eclipse.jetty.server.Server;
            """;
    private static final String MEMBERS = """
                static final class EventsServlet extends HttpServlet {
                }

                static final class NotFoundServlet extends HttpServlet {
                }

                ServletContext servletContext;
                ServletContext ctx;
                StatefulRedisConnection<byte[], byte[]> redisConnection;
            """;

    @TempDir
    Path work;

    static List<Example> examples() throws IOException {
        return JavaExamples.in("filters.md");
    }

    @Test
    void findsEveryExample() throws IOException {
        assertThat(examples()).hasSize(EXAMPLES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void compiles(Example example) throws IOException {
        assertThat(JavaExamples.compileErrors(example, IMPORTS, MEMBERS, work))
                .as("compiler errors for the example at %s:%n%s", example, example.code())
                .isEmpty();
    }

    /** A wrong name in an example must be reported, or the test above proves nothing. */
    @Test
    void reportsAnExampleThatDoesNotCompile() throws IOException {
        Example wrong = new Example("docs/filters.md", 0, "Hardening.instal(servletContext);");
        assertThat(JavaExamples.compileErrors(wrong, IMPORTS, MEMBERS, work)).singleElement().asString()
                .contains("instal");
    }
}
