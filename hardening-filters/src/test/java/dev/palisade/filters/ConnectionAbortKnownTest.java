package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServlet;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConnectionAbortKnownTest {

    /** A request made without a container (a mock in an application's unit test) has no context: no abort, no NPE. */
    @Test
    void aRequestWithoutAServletContextGetsNoAbort() {
        ServletRequest contextless = (ServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServletRequest.class}, (proxy, method, args) -> null);

        assertThat(new ConnectionAbort.Known().of(contextless)).isSameAs(ConnectionAbort.NONE);
    }

    /**
     * An embedded Jetty context has no class loader of its own ({@code null}): the container's
     * classes are looked up through the filter jar's loader, not first through the bootstrap
     * loader, which failed and logged a stack at DEBUG for each member of the chain.
     */
    @Test
    void aContextWithoutItsOwnClassLoaderIsNotLookedUpThroughTheBootstrapLoader() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ConnectionAbort.class);
        Level before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        try (LogCapture logs = LogCapture.of(ConnectionAbort.class);
                RunningServer server = Container.JETTY.start(ctx -> {
                    Hardening.install(ctx, Hardening.builder().build());
                    ctx.addServlet("app", new HttpServlet() { }).addMapping("/");
                })) {
            assertThat(server.port()).isPositive();
            assertThat(logs.events()).noneMatch(e -> e.getFormattedMessage().endsWith("not usable from null"));
        } finally {
            logger.setLevel(before);
        }
    }
}
