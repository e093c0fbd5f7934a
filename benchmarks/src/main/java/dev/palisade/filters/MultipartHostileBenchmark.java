package dev.palisade.filters;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The size filter's own multipart parser (package-private, hence this package) on a body just under
 * 1 MiB of parts whose headers fill the 8 KiB cap in a hostile way, against the same body with one
 * long plain header per part ({@code plain}, the baseline). A review measured the hostile shapes at
 * 50-200 times the baseline when one parse was quadratic in the header's length: a run of {@code ;}
 * before the parameters ({@code semicolons}), a value folded over thousands of lines ({@code folded}),
 * and thousands of empty fields ({@code manyFields}, now refused after 16).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class MultipartHostileBenchmark {
    private static final int PARTS = 127;

    @Param({"plain", "semicolons", "folded", "manyFields"})
    public String shape;

    byte[] body;
    Path tempDir;
    MultipartParser.Options options;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        int room = MultipartParser.MAX_HEADER_BYTES - 200;
        String headers;
        switch (shape) {
            case "plain":
                headers = "Content-Disposition: form-data; name=\"a\"\r\nX-Long: " + "h".repeat(room) + "\r\n";
                break;
            case "semicolons":
                headers = "Content-Disposition: form-data" + ";".repeat(room) + "; name=\"a\"\r\n";
                break;
            case "folded":
                headers = "Content-Disposition: form-data; name=\"a\"\r\nX-Folded: v\r\n" + " a\r\n".repeat(room / 4);
                break;
            case "manyFields":
                headers = "Content-Disposition: form-data; name=\"a\"\r\n" + "a:\r\n".repeat(room / 4);
                break;
            default:
                throw new IllegalArgumentException(shape);
        }
        String part = "--b\r\n" + headers + "\r\nv\r\n";
        body = (part.repeat(PARTS) + "--b--\r\n").getBytes(StandardCharsets.UTF_8);
        tempDir = Files.createTempDirectory("palisade-bench");
        options = new MultipartParser.Options(16 * 1024, tempDir, 1000, StandardCharsets.UTF_8, -1, tempDir);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.delete(tempDir);
    }

    /** The parts, or the refusal's message length: either way what the filter does with the body. */
    @Benchmark
    public int parse() throws IOException {
        try {
            List<UploadedPart> parts = MultipartParser.parse(new ByteArrayInputStream(body), "b", options);
            return parts.size();
        } catch (MalformedBodyException refused) {
            return -refused.getMessage().length();
        }
    }
}
