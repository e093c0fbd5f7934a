package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.UndertowServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** Review findings on Undertow 2.3. */
/**
 * An async task's write failure on Undertow is taken for the client's departure only on a response
 * the task had begun: a task failing on another request's departed client is the server's failure.
 */
class UndertowAsyncTaskTest {
    static volatile AsyncContext subscriber;
    static volatile CountDownLatch subscribed = new CountDownLatch(1);

    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            switch (req.getPathInfo()) {
                case "/subscribe" -> {
                    AsyncContext async = req.startAsync();
                    async.setTimeout(20_000);
                    resp.setContentType("text/event-stream");
                    resp.getOutputStream().write("data: hello\n\n".getBytes(StandardCharsets.US_ASCII));
                    resp.flushBuffer();
                    subscriber = async;
                    subscribed.countDown();
                }
                case "/publish" -> {
                    // A publisher's task writes to a subscriber that has left, and fails with that write's error.
                    AsyncContext async = req.startAsync();
                    async.start(() -> {
                        byte[] block = new byte[64 * 1024];
                        try {
                            for (int i = 0; i < 1024; i++) {
                                subscriber.getResponse().getOutputStream().write(block);
                                subscriber.getResponse().flushBuffer();
                            }
                            ((HttpServletResponse) async.getResponse()).getWriter().write("published");
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        async.complete();
                    });
                }
                default -> resp.sendError(404);
            }
        }
    }

    private static UndertowServer start() throws Exception {
        return UndertowServer.start(ctx -> {
            Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
            var app = ctx.addServlet("app", new App());
            app.setAsyncSupported(true);
            app.addMapping("/t/*");
        });
    }

    /** A publisher's task fails writing to a subscriber whose client left: the publisher gets a 500 and an ERROR line. */
    @Test
    void aTaskFailingOnAnotherRequestsDepartedClientIsNotASilent200() throws Exception {
        subscribed = new CountDownLatch(1);
        try (LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME); UndertowServer server = start()) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write("GET /t/subscribe HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();
                socket.getInputStream().read();
                socket.setSoLinger(true, 0);
            }
            RawHttp.Response r = RawHttp.exchange(server.port(), "GET /t/publish HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(r.status()).isEqualTo(500);
            assertThat(logs.text(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))).isNotEmpty();
        }
    }
}
