package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawH2;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An HTTP/2 client that leaves during a download (a browser navigating away, a proxy resetting the
 * stream, a connection closed): the application's write fails, which is the client's doing, not a
 * server failure to log as an ERROR with a stack trace.
 */
class Http2ClientDepartureTest {
    enum Departure { RESET_STREAM, CLOSE_CONNECTION, PROTOCOL_ERROR, RESET_FLOOD }

    private volatile AtomicReference<Throwable> writeFailure;
    private volatile CountDownLatch writeFailed;

    private RunningServer start(Container container) throws Exception {
        return container.startWithH2c(ctx -> {
            Hardening.install(ctx, Hardening.builder().build());
            ctx.addServlet("download", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.setContentType("application/octet-stream");
                    OutputStream out = resp.getOutputStream();
                    byte[] chunk = new byte[16 * 1024];
                    try {
                        for (int i = 0; i < 64 * 1024; i++) {
                            out.write(chunk);
                            out.flush();
                        }
                    } catch (IOException | RuntimeException e) {
                        Http2ClientDepartureTest.this.writeFailure.set(e);
                        writeFailed.countDown();
                        throw e;
                    }
                }
            }).addMapping("/download");
        });
    }

    @ParameterizedTest
    @EnumSource(Departure.class)
    void aClientLeavingDuringADownloadIsNotAnError(Departure departure) throws Exception {
        for (Container container : Container.values()) {
            writeFailure = new AtomicReference<>();
            writeFailed = new CountDownLatch(1);
            try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
                RawH2 h2 = new RawH2("127.0.0.1", server.port());
                h2.request(1, "GET", "/download", true);
                h2.awaitFrame(1, 0x0 /* DATA */, 5_000);
                if (departure == Departure.PROTOCOL_ERROR) {
                    // A connection error the client causes (RFC 9113, 6.9: a zero increment on the connection).
                    h2.frame(0x8 /* WINDOW_UPDATE */, 0, 0, new byte[4]);
                    assertThat(writeFailed.await(10, TimeUnit.SECONDS)).as("%s: the write failed", container).isTrue();
                    h2.close();
                } else if (departure == Departure.RESET_FLOOD) {
                    // Streams opened and reset at once, past the server's rate control (Jetty: 128/s).
                    try {
                        for (int stream = 3; stream < 3 + 2 * 400 && writeFailed.getCount() > 0; stream += 2) {
                            h2.request(stream, "GET", "/download", true);
                            h2.frame(0x3, 0, stream, ByteBuffer.allocate(4).putInt(8).array());
                        }
                    } catch (java.net.SocketException closedByTheServer) {
                        // The server closed the connection on the flood before the loop ended (a broken
                        // pipe or a reset, by platform): as intended; the download's write fails with it.
                        assertThat(h2).isNotNull();
                    }
                    assertThat(writeFailed.await(10, TimeUnit.SECONDS)).as("%s: the write failed", container).isTrue();
                    h2.close();
                } else if (departure == Departure.RESET_STREAM) {
                    h2.frame(0x3 /* RST_STREAM */, 0, 1, ByteBuffer.allocate(4).putInt(8 /* CANCEL */).array());
                    assertThat(writeFailed.await(10, TimeUnit.SECONDS)).as("%s: the write failed", container).isTrue();
                    h2.close();
                } else {
                    h2.close();
                    assertThat(writeFailed.await(10, TimeUnit.SECONDS)).as("%s: the write failed", container).isTrue();
                }
                // Nothing may be logged while the failure goes up through the chain: held for a second.
                org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(1)).atMost(java.time.Duration.ofSeconds(3))
                        .until(() -> logs.text(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)).isEmpty());
            }
        }
    }
}
