package dev.palisade.filters.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on a loopback port to a real service (Redis), delivering every chunk it reads a fixed
 * time later, in order, in both directions: the round trip of a service on another host, which a
 * service on loopback does not have. Delivery is scheduled, nothing sleeps.
 */
public final class LatencyRelay implements AutoCloseable {
    private final ServerSocket server;
    private final String host;
    private final int port;
    private final long delayNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<ScheduledExecutorService> deliveries = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch resumed = new CountDownLatch(0);

    public LatencyRelay(String host, int port, Duration delayEachWay) throws IOException {
        this.host = host;
        this.port = port;
        this.delayNanos = delayEachWay.toNanos();
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "latency-relay-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * Holds back everything sent on the open connections, in both directions, until {@link #resume}
     * (or 30 s): the service stops answering without closing anything, as a stalled server does.
     */
    public void pause() {
        CountDownLatch latch = new CountDownLatch(1);
        resumed = latch;
        for (ScheduledExecutorService delivery : deliveries) {
            // Each direction's deliveries run on one thread, in order: they wait behind this.
            delivery.execute(() -> awaitQuietly(latch));
        }
    }

    /** Delivers what {@link #pause} held back, in order, and lets everything through again. */
    public void resume() {
        resumed.countDown();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket service = new Socket(host, port);
                sockets.add(client);
                sockets.add(service);
                pump(client, service);
                pump(service, client);
            } catch (IOException e) {
                // The relay was closed (or the service refused): no more connections.
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) throws IOException {
        ScheduledExecutorService delivery = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "latency-relay-delivery");
            t.setDaemon(true);
            return t;
        });
        deliveries.add(delivery);
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[65536];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    byte[] chunk = Arrays.copyOf(buffer, n);
                    // One thread, one delay: chunks are delivered in the order they were read.
                    delivery.schedule(() -> write(out, chunk), delayNanos, TimeUnit.NANOSECONDS);
                }
            } catch (IOException e) {
                // The side read from was reset or closed by close(): the connection ends below.
            }
            closeQuietly(to);
        }, "latency-relay-read");
        reader.setDaemon(true);
        reader.start();
    }

    private static void write(OutputStream out, byte[] chunk) {
        try {
            out.write(chunk);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed: nothing left to release.
        }
    }

    @Override
    public void close() throws IOException {
        resume();
        server.close();
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        for (ScheduledExecutorService delivery : deliveries) {
            delivery.shutdownNow();
        }
    }
}
