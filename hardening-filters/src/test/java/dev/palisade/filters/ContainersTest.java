package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletContext;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * Tomcat's versions that read a form without a length over HTTP/2: the suite runs one Tomcat, so
 * the older ones' rule is checked here, on their server info alone.
 */
class ContainersTest {
    private static ServletContext runningOn(String serverInfo) {
        return (ServletContext) Proxy.newProxyInstance(ContainersTest.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) ->
                        method.getName().equals("getServerInfo") ? serverInfo : null);
    }

    @Test
    void tomcatReadsFormsWithoutLengthOverHttp2From11018And10152() {
        for (String reads : new String[] {"Apache Tomcat/11.0.18", "Apache Tomcat/11.0.29", "Apache Tomcat/11.1.0",
                "Apache Tomcat/12.0.0-M1", "Apache Tomcat/10.1.52", "Apache Tomcat/10.1.62", "Apache Tomcat", "Acme"}) {
            assertThat(Containers.tomcatReadsFormsWithoutLengthOverHttp2(runningOn(reads))).as(reads).isTrue();
        }
        for (String doesNot : new String[] {"Apache Tomcat/11.0.15", "Apache Tomcat/11.0.14", "Apache Tomcat/10.1.50",
                "Apache Tomcat/10.1.9", "Apache Tomcat/10.0.27", "Apache Tomcat/9.0.100",
                "Apache Tomcat (TomEE)/10.1.40 (10.0.1)", "Apache Tomcat (TomEE)/10.0.27 (9.1.3)"}) {
            assertThat(Containers.tomcatReadsFormsWithoutLengthOverHttp2(runningOn(doesNot))).as(doesNot).isFalse();
        }
    }

    /** A customised server info with a long number does not fail the filter's start. */
    @Test
    void aLongNumberInTheServerInfoIsRead() {
        assertThat(Containers.tomcatReadsFormsWithoutLengthOverHttp2(runningOn("Apache Tomcat/10.1.20240101120000"))).isTrue();
    }

    /** Payara and GlassFish run Catalina's context class, and are not Tomcat: Grizzly honours none of Tomcat's ways. */
    @Test
    void payaraAndGlassFishAreNotTomcat() {
        for (String glassFish : new String[] {"Payara Micro", "Payara Server 6.2025.10", "GlassFish Server Open Source Edition 5.1.0",
                "Eclipse GlassFish 7.0.25"}) {
            assertThat(Containers.isGlassFish(runningOn(glassFish))).as(glassFish).isTrue();
            assertThat(Containers.isTomcat(runningOn(glassFish))).as(glassFish).isFalse();
        }
        for (String other : new String[] {"Apache Tomcat/11.0.29", "jetty/12.1.14", "Undertow - 2.3.26.Final", "Acme"}) {
            assertThat(Containers.isGlassFish(runningOn(other))).as(other).isFalse();
        }
        assertThat(Containers.isTomcat(runningOn("Apache Tomcat/11.0.29"))).isTrue();
        assertThat(Containers.isGlassFish(null)).isFalse();
    }

    /** Open Liberty is known by its server info, and is none of the others. */
    @Test
    void libertyIsKnown() {
        for (String liberty : new String[] {"IBM WebSphere Liberty/26.0.0.3", "Open Liberty/26.0.0.3"}) {
            assertThat(Containers.isLiberty(runningOn(liberty))).as(liberty).isTrue();
            assertThat(Containers.isKnown(runningOn(liberty))).as(liberty).isTrue();
            assertThat(Containers.isTomcat(runningOn(liberty)) || Containers.isJetty(runningOn(liberty))
                    || Containers.isGlassFish(runningOn(liberty)) || Containers.isUndertow(runningOn(liberty))).as(liberty).isFalse();
        }
        for (String other : new String[] {"Apache Tomcat/11.0.29", "jetty/12.1.14", "Undertow - 2.3.26.Final", "Payara Micro",
                "Acme"}) {
            assertThat(Containers.isLiberty(runningOn(other))).as(other).isFalse();
        }
        assertThat(Containers.isKnown(runningOn("Acme"))).isFalse();
        assertThat(Containers.isLiberty(null)).isFalse();
    }
}
