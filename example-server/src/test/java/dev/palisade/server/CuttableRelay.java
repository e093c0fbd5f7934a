package dev.palisade.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a loopback port to a real service (PostgreSQL) that a test can cut and restore: {@link #cut()}
 * closes every relayed connection and stops listening, so the service looks down (connections reset, new ones
 * refused) as when its host goes away; {@link #restore()} listens on the same port again.
 */
final class CuttableRelay implements AutoCloseable {
    private final String host;
    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile ServerSocket listener;

    CuttableRelay(String host, int targetPort) throws IOException {
        this.host = host;
        this.targetPort = targetPort;
        this.listener = listen(0);
        this.port = listener.getLocalPort();
    }

    int port() {
        return port;
    }

    /** The service goes away: open connections are closed, new ones refused. */
    synchronized void cut() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** The service is back on the same port. */
    synchronized void restore() throws IOException {
        listener = listen(port);
    }

    private ServerSocket listen(int onPort) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
        Thread accept = new Thread(() -> acceptLoop(server), "relay-accept");
        accept.setDaemon(true);
        accept.start();
        return server;
    }

    private void acceptLoop(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket service = new Socket(host, targetPort);
                sockets.add(client);
                sockets.add(service);
                pump(client, service);
                pump(service, client);
            } catch (IOException closed) {
                // The listener was closed by cut() or close(): the loop ends with it.
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // One side closed or was cut: close both so the other side sees it too.
                closeQuietly(from);
            } finally {
                closeQuietly(to);
            }
        }, "relay-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException alreadyGone) {
            // Already closed: nothing left to release.
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
