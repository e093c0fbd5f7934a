package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The second run (ee11) runs the Jetty cases of a parameterized test and skips the Tomcat ones
 * (see {@link JettyOnlyInSecondRunExtension}); the first runs both. Failing here, the second run
 * either lost its Jetty cases or ran the Tomcat ones again.
 */
class JettyOnlyInSecondRunExtensionTest {
    private static final Set<Container> RAN = ConcurrentHashMap.newKeySet();

    @ParameterizedTest
    @EnumSource(Container.class)
    void runsTheCasesOfItsRun(Container container) {
        RAN.add(container);
    }

    @AfterAll
    static void ranJettyAndTomcatOnlyInTheFirstRun() {
        boolean secondRun = JettyOnlyInSecondRunExtension.SECOND_RUN.equals(
                System.getProperty(JettyOnlyInSecondRunExtension.ENVIRONMENT_PROPERTY + ".expected"));
        assertThat(RAN).containsExactlyInAnyOrderElementsOf(secondRun ? Set.of(Container.JETTY) : Set.of(Container.values()));
    }
}
