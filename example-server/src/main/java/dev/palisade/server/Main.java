package dev.palisade.server;

import dev.palisade.filters.InvalidSettingException;
import java.time.Clock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Starts the reference server from the environment. A bad setting, or one that cannot be used (a
 * taken port, an unusable data directory), exits with status 2 and one line naming the variable;
 * SIGTERM stops it gracefully (see {@link ExampleServer#close()}).
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** Exit status for a configuration the server cannot start with. */
    public static final int EXIT_BAD_CONFIGURATION = 2;

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        routeJavaUtilLoggingToSlf4j();
        ExampleServer server = startOrNull(System::getenv);
        if (server == null) {
            System.exit(EXIT_BAD_CONFIGURATION);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "graceful-stop"));
        server.join();
    }

    /**
     * Libraries that log through {@code java.util.logging} (the PostgreSQL driver warns about a bad URL
     * there) would otherwise write to stderr past the redacting log configuration.
     */
    static void routeJavaUtilLoggingToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    /** The running server, or {@code null} after logging the one line that says why it cannot start. */
    static ExampleServer startOrNull(Function<String, String> env) {
        try {
            return ExampleServer.start(ServerConfig.fromEnvironment(env), Clock.systemUTC());
        } catch (InvalidSettingException e) {
            LOG.error("Cannot start: {}", e.getMessage());
            return null;
        }
    }
}
