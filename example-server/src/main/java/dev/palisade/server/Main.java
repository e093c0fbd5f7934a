package dev.palisade.server;

import dev.palisade.filters.InvalidSettingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the reference server from the environment; a bad setting exits with status 2 and one line. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        ExampleServer server;
        try {
            server = ExampleServer.start(System::getenv);
        } catch (InvalidSettingException e) {
            LOG.error("Cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        server.join();
    }
}
