package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An application that takes over the connection with {@code HttpServletRequest.upgrade(...)} behind
 * the chain: the 101 goes out with the chain's fields, the access log says 101, and nothing is
 * logged as a failure. (Jetty reports an upgrade as async started, and the error boundary's request
 * for the async context threw into the container: two WARNs with stacks and an access-log status of
 * 500; found by review.)
 */
class UpgradeThroughChainTest {
    @ParameterizedTest
    @EnumSource(Container.class)
    void anUpgradeBehindTheChainIsAnswered101AndLoggedAsSuch(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
                RunningServer server = container.start(ctx -> {
                    Hardening.install(ctx, Hardening.builder().build());
                    ServletRegistration.Dynamic upgrading = ctx.addServlet("upgrading", new Upgrading());
                    upgrading.addMapping("/raw");
                })) {
            RawHttp.Response r;
            try (RawHttp connection = RawHttp.connect(server.port())) {
                r = connection.send("GET /raw HTTP/1.1\r\nHost: x\r\nX-Request-Id: up-1\r\nUpgrade: raw\r\n"
                        + "Connection: Upgrade\r\n\r\n").readHeadResponse();
            }

            assertThat(r.status()).isEqualTo(101);
            assertThat(r.header("X-Request-Id")).isEqualTo("up-1");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(logs.lines()).anyMatch(line -> line.contains("GET /raw status=101"));
            // Tomcat's warning at start (no servlet at "/") is the fixture's, not the request's.
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .filteredOn(e -> !e.getFormattedMessage().startsWith("No servlet is mapped"))
                    .isEmpty();
        }
    }

    /** Answers 101 and hands the connection to {@link Raw}. */
    static final class Upgrading extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, jakarta.servlet.ServletException {
            resp.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
            resp.setHeader("Upgrade", "raw");
            resp.setHeader("Connection", "Upgrade");
            req.upgrade(Raw.class);
        }
    }

    /** Ends the upgraded connection at once (Jetty 12 would otherwise hold it past the server's stop). */
    public static final class Raw implements HttpUpgradeHandler {
        @Override
        public void init(WebConnection connection) {
            try {
                connection.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void destroy() {
            // Nothing held.
        }
    }
}
