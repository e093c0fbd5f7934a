package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletRequest;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

class ConnectionAbortKnownTest {

    /** A request made without a container (a mock in an application's unit test) has no context: no abort, no NPE. */
    @Test
    void aRequestWithoutAServletContextGetsNoAbort() {
        ServletRequest contextless = (ServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServletRequest.class}, (proxy, method, args) -> null);

        assertThat(new ConnectionAbort.Known().of(contextless)).isSameAs(ConnectionAbort.NONE);
    }
}
