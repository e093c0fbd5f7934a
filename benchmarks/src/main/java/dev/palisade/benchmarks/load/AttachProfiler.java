package dev.palisade.benchmarks.load;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;

/**
 * Loads async-profiler (from Maven Central, shaded into {@code benchmarks.jar}) into a running JVM
 * and passes it one command, e.g. {@code start,event=cpu,interval=100000,threads} or
 * {@code stop,file=out.collapsed,collapsed}. Used by {@code benchmarks/profile.sh} to profile two
 * load servers over the same window, after their warm-up.
 *
 * <p>Usage: {@code AttachProfiler <pid> <command>}.
 */
public final class AttachProfiler {
    private AttachProfiler() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: AttachProfiler <pid> <async-profiler command>");
        }
        Path library = extractLibrary();
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(library.toString(), args[1]);
        } finally {
            vm.detach();
        }
    }

    private static String version() throws IOException {
        Properties pom = new Properties();
        try (InputStream in = AttachProfiler.class.getResourceAsStream(
                "/META-INF/maven/tools.profiler/async-profiler/pom.properties")) {
            if (in != null) {
                pom.load(in);
            }
        }
        return pom.getProperty("version", "unknown");
    }

    /** The agent's native library for this platform, copied out of the jar (a JVM loads only files). */
    private static Path extractLibrary() throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String platform = os.contains("mac") ? "macos"
                : arch.equals("aarch64") || arch.equals("arm64") ? "linux-arm64" : "linux-x64";
        String resource = "/" + platform + "/libasyncProfiler.so";
        // The same path for every call, so start and stop reach one library in the target.
        Path target = Path.of(System.getProperty("java.io.tmpdir"),
                "palisade-asyncProfiler-" + version() + "-" + platform + ".so");
        if (Files.exists(target)) {
            // Extracted by an earlier call ("start"): "stop" must name the library the target loaded.
            return target;
        }
        try (InputStream in = AttachProfiler.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("async-profiler has no library for " + platform + " in this jar");
            }
            Path partial = Files.createTempFile(target.getParent(), "palisade-asyncProfiler", ".part");
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return target;
    }
}
