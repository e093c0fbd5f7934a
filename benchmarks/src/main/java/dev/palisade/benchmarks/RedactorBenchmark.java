package dev.palisade.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.palisade.filters.Redactor;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * {@link Redactor} on typical log lines of about 200 bytes: one with an email and a bearer token
 * to mask, one with nothing to mask (the common case). Baseline, in the same run: Logback writing
 * the plain line (pattern layout with time, level, thread and logger, to a stream that discards
 * the bytes), which is what the log call costs anyway, so the figure reads as "redacting adds this
 * much to a log line".
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

    /** 64 KiB of "Basic" followed by words that are not base64: each cost two exceptions before. */
    final String hostileBasic = "Basic ====- ".repeat(64 * 1024 / 12);
    /** The same length of prose with nothing to mask, for scale. */
    final String benignLong = "Basic plans ".repeat(64 * 1024 / 12);

    private Logger logback;

    @Setup
    public void setUpLogback() {
        // The context SLF4J set up, as an application's logger would have it (a bare new
        // LoggerContext lacks the MDC adapter and fails inside every call).
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(OutputStream.nullOutputStream());
        appender.start();
        logback = context.getLogger("dev.palisade.benchmarks.access");
        logback.setAdditive(false);
        logback.setLevel(Level.INFO);
        logback.addAppender(appender);
    }

    @Benchmark
    public void baselineLogbackWritesPlainLine() {
        logback.info(plain);
    }

    @Benchmark
    public String redactLineWithSecrets() {
        return Redactor.redact(withSecrets);
    }

    @Benchmark
    public String redactPlainLine() {
        return Redactor.redact(plain);
    }

    @Benchmark
    public String redactHostileBasic64k() {
        return Redactor.redact(hostileBasic);
    }

    @Benchmark
    public String redactBenignBasic64k() {
        return Redactor.redact(benignLong);
    }
}
