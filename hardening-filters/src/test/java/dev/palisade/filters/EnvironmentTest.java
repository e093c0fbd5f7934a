package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.Environment.Mode;
import dev.palisade.filters.testing.LogCapture;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnvironmentTest {

    static Stream<Arguments> values() {
        return Stream.of(
                Arguments.of("dev", Mode.DEV, "ENV=dev -> dev", false),
                Arguments.of("development", Mode.DEV, "ENV=development -> dev", false),
                Arguments.of("local", Mode.DEV, "ENV=local -> dev", false),
                Arguments.of("DEV", Mode.DEV, "ENV=dev -> dev", false),
                Arguments.of("  Development\t", Mode.DEV, "ENV=development -> dev", false),
                Arguments.of("prod", Mode.PROD, "ENV=prod -> prod", false),
                Arguments.of("production", Mode.PROD, "ENV=production -> prod", false),
                Arguments.of("STAGING", Mode.PROD, "ENV=staging -> prod", false),
                Arguments.of(null, Mode.PROD, "ENV unset -> prod", false),
                Arguments.of("", Mode.PROD, "ENV blank -> prod", false),
                Arguments.of("   ", Mode.PROD, "ENV blank -> prod", false),
                Arguments.of("qa", Mode.PROD, "ENV=\"qa\" unknown -> prod", true),
                Arguments.of("devel", Mode.PROD, "ENV=\"devel\" unknown -> prod", true),
                Arguments.of("dev\nINFO forged", Mode.PROD, "ENV=\"dev\\nINFO forged\" unknown -> prod", true));
    }

    @ParameterizedTest
    @MethodSource("values")
    void normalisesEnvToDevOrProd(String raw, Mode mode, String reason, boolean warns) {
        Map<String, String> env = new HashMap<>();
        if (raw != null) {
            env.put("ENV", raw);
        }
        try (LogCapture logs = LogCapture.of(Environment.class)) {
            Environment resolved = Environment.resolve(env);

            assertThat(resolved.mode()).isEqualTo(mode);
            assertThat(resolved.isDev()).isEqualTo(mode == Mode.DEV);
            assertThat(resolved.reason()).isEqualTo(reason);
            assertThat(resolved.raw()).isEqualTo(raw);
            assertThat(logs.lines()).hasSize(warns ? 1 : 0);
            if (warns) {
                assertThat(logs.lines().get(0)).startsWith("WARN").contains(reason).doesNotContain("\n");
            }
        }
    }

    @Test
    void resolvesThroughALookupFunction() {
        assertThat(Environment.resolve(name -> name.equals("ENV") ? "local" : null).mode()).isEqualTo(Mode.DEV);
        assertThat(Environment.resolve(name -> null).reason()).isEqualTo("ENV unset -> prod");
    }

    @Test
    void capsAnOverlongUnknownValueInTheReason() {
        Environment resolved = Environment.fromValue("x".repeat(500));

        assertThat(resolved.isProd()).isTrue();
        assertThat(resolved.reason()).hasSizeLessThan(80).contains("...");
    }

    @Test
    void canBeDecidedInCode() {
        Environment dev = Environment.of(Mode.DEV, null);

        assertThat(dev.isDev()).isTrue();
        assertThat(dev.isProd()).isFalse();
        assertThat(dev.reason()).isEqualTo("set in code -> dev");
        assertThat(dev).hasToString("dev (set in code -> dev)");
    }
}
