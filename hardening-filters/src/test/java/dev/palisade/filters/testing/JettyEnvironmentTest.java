package dev.palisade.filters.testing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The Jetty cases of a test run really run on the environment the run expects: ee10 by default,
 * ee11 in the build's second run, which says so in a property of its own, apart from the one that
 * selects the environment.
 */
class JettyEnvironmentTest {
    @Test
    void jettyServesTheSelectedEnvironment() throws Exception {
        String expected = System.getProperty(JettyEnvironment.PROPERTY + ".expected", "ee10");
        try (RunningServer server = Container.JETTY.start(ctx -> ctx.addServlet("which", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                var context = req.getServletContext();
                resp.getWriter().write(context.getClass().getName() + " " + context.getMajorVersion() + "."
                        + context.getMinorVersion());
            }
        }).addMapping("/which")); RawHttp c = server.raw()) {
            c.send("GET /which HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String body = c.readAll();

            assertThat(body).contains("org.eclipse.jetty." + expected + ".servlet.")
                    .contains(expected.equals("ee11") ? " 6.1" : " 6.0");
        }
    }
}
