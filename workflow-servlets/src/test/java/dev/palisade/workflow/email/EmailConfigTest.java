package dev.palisade.workflow.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailConfigTest {

    @Test
    void isEmptyWhenEmailUrlIsUnsetOrBlank() {
        assertThat(EmailConfig.fromEnvironment(Map.<String, String>of()::get)).isEmpty();
        assertThat(EmailConfig.fromEnvironment(Map.of("EMAIL_URL", "  ")::get)).isEmpty();
    }

    @Test
    void usesDefaultTimeoutsAndPollInterval() {
        EmailConfig config = EmailConfig.fromEnvironment(Map.of("EMAIL_URL", "https://mail.example/send")::get)
                .orElseThrow();
        assertThat(config.url()).isEqualTo(URI.create("https://mail.example/send"));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void readsTimeoutsAndPollIntervalInMilliseconds() {
        EmailConfig config = EmailConfig.fromEnvironment(Map.of(
                "EMAIL_URL", "http://127.0.0.1:9000/send",
                "EMAIL_CONNECT_TIMEOUT_MS", "500",
                "EMAIL_REQUEST_TIMEOUT_MS", " 3000 ",
                "EMAIL_POLL_INTERVAL_MS", "250")::get).orElseThrow();
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void rejectsABadUrlNamingTheVariableButNotTheValue() {
        for (String bad : new String[] {"mail.example/send", "ftp://mail.example/x", "http://", "http://u:secret@h/x",
            "http://exa mple/%zz"}) {
            assertThatThrownBy(() -> EmailConfig.fromEnvironment(Map.of("EMAIL_URL", bad)::get))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("EMAIL_URL")
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void rejectsBadNumbersNamingTheVariable() {
        for (String bad : new String[] {"abc", "0", "-5", "1.5", "999999999", "+30", "30 ms"}) {
            assertThatThrownBy(() -> EmailConfig.fromEnvironment(Map.of("EMAIL_URL", "http://h/x",
                    "EMAIL_REQUEST_TIMEOUT_MS", bad)::get))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Invalid value for EMAIL_REQUEST_TIMEOUT_MS: \"" + bad
                            + "\" (expected a whole number of milliseconds from 1 to 600000)");
        }
    }
}
