package dev.palisade.benchmarks;

import dev.palisade.filters.Redactor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Redactor} on typical log lines of about 200 bytes: one with an email and a bearer token
 * to mask, one with nothing to mask (the common case). Baseline, in the same run: encoding the same
 * line to UTF-8, which every log appender does to every line it writes, so the figure reads as
 * "redacting costs N encodings".
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RedactorBenchmark {
    final String withSecrets = "POST /api/start-conversation status=201 client=jane.doe@example.com "
            + "auth=Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc reply queued for event 8812 "
            + "requestId=3f2a9c1e5b7d4a8f9e0c1b2a3d4e5f60 durationMs=12";
    final String plain = "POST /api/send-message status=200 step=3 rooms=4 offered=2 guests=40 "
            + "date=2026-12-03 reply drafted; task created for manager review "
            + "requestId=3f2a9c1e5b7d4a8f9e0c1b2a3d4e5f60 durationMs=7";

    @Benchmark
    public byte[] baselineEncodePlainLine() {
        return plain.getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public String redactLineWithSecrets() {
        return Redactor.redact(withSecrets);
    }

    @Benchmark
    public String redactPlainLine() {
        return Redactor.redact(plain);
    }
}
