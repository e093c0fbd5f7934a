package dev.palisade.filters.testing;

import java.net.URI;

/** A started container; close it to stop. */
public final class RunningServer implements AutoCloseable {
    private final Container container;
    private final String host;
    private final int port;
    private final Stopper stopper;

    RunningServer(Container container, int port, Stopper stopper) {
        this(container, "127.0.0.1", port, stopper);
    }

    RunningServer(Container container, String host, int port, Stopper stopper) {
        this.container = container;
        this.host = host;
        this.port = port;
        this.stopper = stopper;
    }

    public Container container() {
        return container;
    }

    public int port() {
        return port;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** A fresh raw connection to the server, on the address it listens on. */
    public RawHttp raw() throws java.io.IOException {
        return RawHttp.connect(host, port);
    }

    @Override
    public void close() throws Exception {
        stopper.stop();
    }

    @FunctionalInterface
    interface Stopper {
        void stop() throws Exception;
    }
}
