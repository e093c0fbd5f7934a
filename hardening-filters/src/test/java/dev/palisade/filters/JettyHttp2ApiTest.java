package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.palisade.filters.testing.LogCapture;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Where Jetty's HTTP/2 classes are missing (a server without HTTP/2) the kit says so at DEBUG in one
 * line; where they are present but not as the kit knows them (another Jetty, a split class loader),
 * HTTP/2 clients may lose early answers, so it warns, once per class loader, not once per member of
 * the chain.
 */
class JettyHttp2ApiTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(JettyHttp2Api.class);
    private Level before;

    @BeforeEach
    void debug() {
        before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void restore() {
        logger.setLevel(before);
    }

    @Test
    void findsJettysHttp2ClassesWhereTheyAre() {
        try (LogCapture logs = LogCapture.of(JettyHttp2Api.class)) {
            assertThat(JettyHttp2Api.find(getClass().getClassLoader())).isNotNull();
            assertThat(logs.events()).isEmpty();
        }
    }

    @Test
    void withoutHttp2ClassesOneDebugLineWithoutAStack() {
        ClassLoader withoutHttp2 = new Refusing("org.eclipse.jetty.http2.");
        try (LogCapture logs = LogCapture.of(JettyHttp2Api.class)) {
            assertThat(JettyHttp2Api.find(withoutHttp2)).isNotNull();
            assertThat(JettyHttp2Api.find(withoutHttp2)).isNotNull();

            assertThat(logs.events()).hasSize(2).allSatisfy(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.DEBUG);
                assertThat(event.getThrowableProxy()).isNull();
                assertThat(event.getFormattedMessage()).startsWith("No Jetty HTTP/2 classes from");
            });
        }
    }

    @Test
    void http2ClassesThatAreNotUsableWarnOncePerLoader() {
        ClassLoader split = new Refusing("org.eclipse.jetty.http2.frames.PingFrame");
        try (LogCapture logs = LogCapture.of(JettyHttp2Api.class)) {
            for (int member = 0; member < 5; member++) {
                assertThat(JettyHttp2Api.find(split)).isNotNull();
            }

            assertThat(logs.events().stream().filter(e -> e.getLevel() == Level.WARN))
                    .singleElement()
                    .satisfies(event -> assertThat(event.getFormattedMessage())
                            .contains("HTTP/2 classes are not usable").contains("a client may lose the answer"))
                    .extracting(ILoggingEvent::getThrowableProxy).isNotNull();
            assertThat(logs.events()).hasSize(5);
        }
    }

    /**
     * HTTP/2's connection class present but not loadable (its class file built for a newer Java, or a
     * class it extends missing: a LinkageError, not a ClassNotFoundException) is the "present but not
     * usable" case: HTTP/2 off with a WARN, the rest of the API (HTTP/1.1 early answers) still found.
     * Review finding: the first lookup caught only ClassNotFoundException, so the error left http2()
     * and find() gave up on the whole API at DEBUG.
     */
    @Test
    void anHttp2ConnectionClassThatCannotBeLinkedWarnsAndKeepsTheRest() {
        ClassLoader broken = new ClassLoader(JettyHttp2ApiTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals("org.eclipse.jetty.http2.HTTP2Connection")) {
                    throw new UnsupportedClassVersionError(name + " has been compiled by a more recent version");
                }
                return super.loadClass(name, resolve);
            }
        };
        try (LogCapture logs = LogCapture.of(JettyHttp2Api.class)) {
            assertThat(JettyHttp2Api.find(broken)).isNotNull();
            assertThat(logs.events().stream().map(ILoggingEvent::getLevel)).contains(Level.WARN);
        }
    }

    /** The test's own loader, refusing the classes whose names start with one of {@code refused}. */
    private static final class Refusing extends ClassLoader {
        private final Set<String> refused;

        Refusing(String... refused) {
            super(JettyHttp2ApiTest.class.getClassLoader());
            this.refused = Set.of(refused);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (refused.stream().anyMatch(name::startsWith)) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    }
}
