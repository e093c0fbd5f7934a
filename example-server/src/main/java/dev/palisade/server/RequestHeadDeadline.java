package dev.palisade.server;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1.1 connection whose request line and headers are not complete within a deadline
 * of the connection opening, or of the previous response on a kept-alive connection. The idle
 * timeout alone does not: each byte restarts it, so a client sending a header byte every 10 s kept
 * its connection (and file descriptor) for as long as it liked (slowloris), and the minimum data
 * rate covers request content only.
 *
 * <p>One task on the connector's scheduler per connection, cancelled when a request's head is
 * complete (Jetty calls the customizer then) and scheduled again when its response is: no thread
 * per connection. For a connector with HTTP/1.1 alone: over HTTP/2 one connection carries many
 * requests at once.
 */
final class RequestHeadDeadline implements Connection.Listener, HttpConfiguration.Customizer {
    private static final Logger LOG = LoggerFactory.getLogger(RequestHeadDeadline.class);

    private final Scheduler scheduler;
    private final long deadlineMillis;
    private final ConcurrentMap<Connection, Expiry> pending = new ConcurrentHashMap<>();

    RequestHeadDeadline(Scheduler scheduler, Duration deadline) {
        this.scheduler = scheduler;
        this.deadlineMillis = deadline.toMillis();
    }

    @Override
    public void onOpened(Connection connection) {
        arm(connection);
    }

    @Override
    public void onClosed(Connection connection) {
        disarm(connection);
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        Connection connection = request.getConnectionMetaData().getConnection();
        disarm(connection);
        Request.addCompletionListener(request, failure -> arm(connection));
        return request;
    }

    /** Connections waiting for a request head now (for tests: none may be left behind). */
    int pending() {
        return pending.size();
    }

    private void arm(Connection connection) {
        Expiry expiry = new Expiry(connection);
        Expiry previous = pending.put(connection, expiry);
        if (previous != null) {
            previous.cancel();
        }
        expiry.task = scheduler.schedule(expiry, deadlineMillis, TimeUnit.MILLISECONDS);
        // Closed while this was being armed: the expiry would only close a closed connection, later.
        if (!connection.getEndPoint().isOpen() && pending.remove(connection, expiry)) {
            expiry.cancel();
        }
    }

    private void disarm(Connection connection) {
        Expiry expiry = pending.remove(connection);
        if (expiry != null) {
            expiry.cancel();
        }
    }

    private final class Expiry implements Runnable {
        private final Connection connection;
        volatile Scheduler.Task task;

        Expiry(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void run() {
            // Only while still armed: a head completed (or a new deadline set) a moment ago wins.
            if (pending.remove(connection, this)) {
                LOG.debug("Closing {}: no complete request head within {} ms", connection, deadlineMillis);
                connection.getEndPoint().close();
            }
        }

        void cancel() {
            Scheduler.Task scheduled = task;
            if (scheduled != null) {
                scheduled.cancel();
            }
        }
    }
}
