package dev.palisade.filters.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests that every Java example of a document under {@code docs/} compiles as it is written: each
 * fenced {@code java} block is a method body, compiled against the test class path inside a class
 * that declares the names the document leaves to the reader. A renamed method, a changed
 * signature or a missing import shows up here, not in a reader's IDE. A module's test extends it,
 * naming the document, how many examples it holds, and the imports and members around them.
 */
public abstract class DocsJavaExamples {
    private final String document;
    private final int examples;
    private final String imports;
    private final String members;

    @TempDir
    Path work;

    /**
     * @param document a file name under {@code docs/}
     * @param examples how many examples it holds (a parser that found none would test nothing)
     * @param imports the import lines above each example's class
     * @param members the fields and classes inside it: the names the document leaves to the reader
     */
    protected DocsJavaExamples(String document, int examples, String imports, String members) {
        this.document = document;
        this.examples = examples;
        this.imports = imports;
        this.members = members;
    }

    /** One fenced {@code java} block, with the document and the line its code starts on. */
    record Example(String document, int line, String code) {
        @Override
        public String toString() {
            return document + " line " + line;
        }
    }

    @Test
    void findsEveryExample() throws IOException {
        assertThat(examples()).hasSize(examples);
    }

    @TestFactory
    Stream<DynamicTest> everyExampleCompiles() throws IOException {
        return examples().stream().map(example -> DynamicTest.dynamicTest(example.toString(),
                () -> assertThat(compileErrors(example))
                        .as("compiler errors for the example at %s:%n%s", example, example.code())
                        .isEmpty()));
    }

    /** A wrong name in an example must be reported, or the test above proves nothing. */
    @Test
    void reportsAnExampleThatDoesNotCompile() throws IOException {
        Example wrong = new Example("docs/" + document, 0, "NoSuchClassAnywhere.call();");
        assertThat(compileErrors(wrong)).singleElement().asString().contains("NoSuchClassAnywhere");
    }

    private List<Example> examples() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("docs").resolve(document))) {
            dir = dir.getParent();
        }
        List<String> lines = Files.readAllLines(dir.resolve("docs").resolve(document), StandardCharsets.UTF_8);
        List<Example> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```java")) {
                int start = i + 1;
                int end = start;
                while (!lines.get(end).strip().equals("```")) {
                    end++;
                }
                found.add(new Example("docs/" + document, start + 1, String.join("\n", lines.subList(start, end))));
                i = end;
            }
        }
        return found;
    }

    private List<String> compileErrors(Example example) throws IOException {
        String className = "Example" + example.line();
        String source = "package docs;\n\n" + imports + "\n@SuppressWarnings(\"unused\")\nclass " + className
                + " {\n" + members + "\n    void example() throws Exception {\n" + example.code() + "\n    }\n}\n";
        Path file = work.resolve(className + ".java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        Path classes = Files.createDirectories(work.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-proc:none", "-classpath",
                    System.getProperty("java.class.path"), "-d", classes.toString());
            compiler.getTask(new StringWriter(), files, diagnostics, options, null, files.getJavaFileObjects(file))
                    .call();
        }
        return diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(Locale.ROOT))
                .collect(Collectors.toList());
    }
}
