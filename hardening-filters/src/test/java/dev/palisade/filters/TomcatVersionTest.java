package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.Test;

/**
 * The Tomcat tests of a run really use the Tomcat the run expects: 11 by default, 10.1 in the
 * {@code tomcat-10.1} profile's run, which says so in a property of its own, so that losing the
 * classpath swap fails that run instead of testing 11 twice.
 */
class TomcatVersionTest {
    @Test
    void tomcatIsTheExpectedVersion() {
        String expected = System.getProperty("palisade.test.tomcat.expected", "11.");

        assertThat(ServerInfo.getServerNumber()).startsWith(expected);
    }
}
