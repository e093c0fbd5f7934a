package dev.palisade.filters.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The Java examples of a document under {@code docs/}, and a compiler for them: each fenced
 * {@code java} block is a method body, compiled inside a class that declares the names the
 * document leaves to the reader, against the test class path.
 */
public final class JavaExamples {
    private JavaExamples() {
    }

    /** One fenced {@code java} block, with the document and the line its code starts on. */
    public record Example(String document, int line, String code) {
        @Override
        public String toString() {
            return document + " line " + line;
        }
    }

    /** {@code docs/<name>}, found from the working directory up (a module's or the root's). */
    public static Path document(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("docs").resolve(name))) {
            dir = dir.getParent();
        }
        return dir.resolve("docs").resolve(name);
    }

    /** Every fenced {@code java} block of {@code docs/<name>}, in order. */
    public static List<Example> in(String name) throws IOException {
        List<String> lines = Files.readAllLines(document(name), StandardCharsets.UTF_8);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```java")) {
                int start = i + 1;
                int end = start;
                while (!lines.get(end).strip().equals("```")) {
                    end++;
                }
                examples.add(new Example("docs/" + name, start + 1, String.join("\n", lines.subList(start, end))));
                i = end;
            }
        }
        return examples;
    }

    /**
     * Compiles {@code example} as the body of {@code void example() throws Exception}, in a class of
     * package {@code docs} with {@code imports} above it and {@code members} (the names the document
     * leaves to the reader) inside it, and returns the compiler's error messages.
     */
    public static List<String> compileErrors(Example example, String imports, String members, Path work)
            throws IOException {
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
