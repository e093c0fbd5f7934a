package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.LogCapture;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A container the kit knows nothing of gets one INFO line naming what the error boundary cannot do
 * there. No such container is at hand, so its context is a stand-in answering only what
 * {@code init()} asks.
 */
class UnknownContainerTest {

    private static FilterConfig configIn(String serverInfo) {
        ServletContext context = (ServletContext) Proxy.newProxyInstance(UnknownContainerTest.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getServerInfo" -> serverInfo;
                    case "getContextPath" -> "";
                    case "getServletRegistrations" -> Map.of();
                    case "getClassLoader" -> UnknownContainerTest.class.getClassLoader();
                    case "getInitParameterNames", "getAttributeNames" -> Collections.emptyEnumeration();
                    default -> null;
                });
        return (FilterConfig) Proxy.newProxyInstance(UnknownContainerTest.class.getClassLoader(),
                new Class<?>[] {FilterConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getServletContext" -> context;
                    case "getFilterName" -> "safeError";
                    case "getInitParameterNames" -> Collections.emptyEnumeration();
                    default -> null;
                });
    }

    @Test
    void anUnknownContainerIsNamedWithWhatTheBoundaryCannotDoThere() throws Exception {
        try (LogCapture logs = LogCapture.of(SafeErrorFilter.class.getName())) {
            new SafeErrorFilter().init(configIn("Acme Server/1.0"));

            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .contains("Acme Server/1.0 is not Jetty, Tomcat, Undertow, Payara or Open Liberty")
                    .contains("fails after it was committed"));
        }
    }

    @Test
    void aKnownContainerIsNotNamed() throws Exception {
        for (String known : new String[] {"Undertow - 2.3.26.Final", "jetty/12.1.14", "Apache Tomcat/11.0.14",
                "IBM WebSphere Liberty/26.0.0.3"}) {
            try (LogCapture logs = LogCapture.of(SafeErrorFilter.class.getName())) {
                new SafeErrorFilter().init(configIn(known));

                assertThat(logs.lines()).as(known).noneSatisfy(line -> assertThat(line).contains("is not Jetty"));
            }
        }
    }

    /** Liberty's default flush after the servlet (here a stand-in's setting) costs bare error statuses their body: a WARN says so. */
    @Test
    void libertysFlushAfterServiceIsWarnedOf() throws Exception {
        try (LogCapture logs = LogCapture.of(SafeErrorFilter.class.getName())) {
            new SafeErrorFilter().init(configIn("IBM WebSphere Liberty/26.0.0.3"));

            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("invokeFlushAfterService=\"false\""));
        }
        try (LogCapture logs = LogCapture.of(SafeErrorFilter.class.getName())) {
            new SafeErrorFilter().init(configIn("Apache Tomcat/11.0.14"));

            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).contains("invokeFlushAfterService"));
        }
    }
}
