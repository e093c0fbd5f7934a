package dev.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class RedactingMessageConverterTest {
    private final LoggerContext context = new LoggerContext();
    private final RedactingMessageConverter converter = new RedactingMessageConverter();

    private String convert(String pattern, Object[] args, Throwable thrown) {
        LoggingEvent event = new LoggingEvent("test", context.getLogger("test"), Level.INFO, pattern, thrown, args);
        return converter.convert(event);
    }

    @Test
    void masksAnEmailInALoggedValue() {
        String line = convert("client {} wrote", new Object[] {"jane.doe@example.com"}, null);

        assertThat(line).doesNotContain("jane.doe@example.com").contains("@example.com").startsWith("client j");
    }

    @Test
    void masksABearerToken() {
        String line = convert("header {}", new Object[] {"Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345"}, null);

        assertThat(line).doesNotContain("abcdefghijklmnopqrstuvwxyz012345");
    }

    @Test
    void escapesLineBreaksSoNoLineCanBeForged() {
        String line = convert("name {}", new Object[] {"x\r\n2026-01-01 INFO forged admin login"}, null);

        assertThat(line).doesNotContain("\n", "\r").contains("forged");
    }

    @Test
    void redactsTheExceptionTextToo() {
        String line = convert("failed", null, new IllegalStateException("no user bob@example.org\ninjected"));

        assertThat(line).doesNotContain("bob@example.org").contains("IllegalStateException").contains("\tat ");
        assertThat(line.lines().filter(l -> l.contains("injected")).findFirst().orElseThrow())
                .contains("IllegalStateException");
    }

    @Test
    void isTheMessageConverterOfTheShippedLogbackConfiguration() throws Exception {
        try (var in = RedactingMessageConverterTest.class.getResourceAsStream("/logback.xml")) {
            String xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(xml).contains("class=\"dev.palisade.server.RedactingMessageConverter\"")
                    .contains("%redactedMsg").doesNotContain("%msg", "%m%n", "%message");
        }
    }
}
