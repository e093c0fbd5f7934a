package dev.palisade.filters;

import dev.palisade.filters.testing.Container;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * In the build's second test run (Jetty's ee11 environment, see the module's POM), skips each case
 * of a parameterized test that runs on Tomcat: it does not depend on Jetty's environment, and ran
 * in the first run. The suite took over 15 minutes with them (about a minute of the second run
 * went to Tomcat cases). Registered for every test class of this module through
 * {@code META-INF/services} and {@code junit-platform.properties}.
 */
public final class JettyOnlyInSecondRunExtension implements InvocationInterceptor {
    /** The system property that selects Jetty's environment, and its value in the second run. */
    static final String ENVIRONMENT_PROPERTY = "palisade.test.jetty";
    static final String SECOND_RUN = "ee11";

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        if (SECOND_RUN.equals(System.getProperty(ENVIRONMENT_PROPERTY)) && invocationContext.getArguments().contains(Container.TOMCAT)) {
            invocation.skip();
            Assumptions.abort("A Tomcat case: run once, in the default (ee10) execution");
        }
        invocation.proceed();
    }
}
