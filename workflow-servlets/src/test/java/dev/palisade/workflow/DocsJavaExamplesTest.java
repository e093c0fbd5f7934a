package dev.palisade.workflow;

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
 * Every Java example in {@code docs/workflow.md}, compiled as it is written against this module's
 * classes; the names the docs leave to the reader (the store, analyser, clock, upload storage, keys,
 * context and environment) are declared around each example.
 */
class DocsJavaExamplesTest {
    /** How many examples docs/workflow.md holds: a parser that found none would test nothing. */
    private static final int EXAMPLES = 1;

    private static final String IMPORTS = """
            import dev.palisade.filters.*;
            import dev.palisade.workflow.*;
            import dev.palisade.workflow.analysis.MessageAnalyzer;
            import dev.palisade.workflow.engine.WorkflowSettings;
            import dev.palisade.workflow.session.ConversationCache;
            import dev.palisade.workflow.store.Store;
            import dev.palisade.workflow.uploads.UploadStorage;
            import jakarta.servlet.ServletContext;
            import java.time.Clock;
            """;
    private static final String MEMBERS = """
                Store store;
                MessageAnalyzer analyzer;
                Clock clock;
                UploadStorage uploads;
                String apiKeys;
                ServletContext context;
                Environment environment;
            """;

    @TempDir
    Path work;

    static List<Example> examples() throws IOException {
        return JavaExamples.in("workflow.md");
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
}
