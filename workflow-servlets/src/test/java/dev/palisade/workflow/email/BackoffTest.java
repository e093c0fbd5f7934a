package dev.palisade.workflow.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = Backoff.DEFAULT;

    @Test
    void doublesFromOneSecondUpToFiveMinutes() {
        assertThat(backoff.delayAfter(1, 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delayAfter(2, 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delayAfter(3, 0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delayAfter(9, 0)).isEqualTo(Duration.ofSeconds(256));
        assertThat(backoff.delayAfter(10, 0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.delayAfter(Integer.MAX_VALUE, 0)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void addsUpToTwentyPercentJitter() {
        assertThat(backoff.delayAfter(3, 0.5)).isEqualTo(Duration.ofMillis(4_400));
        assertThat(backoff.delayAfter(3, 0.999_999)).isLessThan(Duration.ofMillis(4_800));
        assertThat(backoff.maxDelay(0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.maxDelay(0.5)).isEqualTo(Duration.ofMinutes(5).plusSeconds(30));
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
