package dev.palisade.filters.testing;

import java.net.URI;

/** A started container; close it to stop. */
public final class RunningServer implements AutoCloseable {
    private final Container container;
    private final int port;
    private final Stopper stopper;

    RunningServer(Container container, int port, Stopper stopper) {
        this.container = container;
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

    /** A fresh raw connection to the server. */
    public RawHttp raw() throws java.io.IOException {
        return RawHttp.connect(port);
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
