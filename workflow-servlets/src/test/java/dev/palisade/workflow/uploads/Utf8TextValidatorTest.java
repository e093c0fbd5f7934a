package dev.palisade.workflow.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8TextValidatorTest {

    @Test
    void acceptsCharactersSplitAcrossChunks() {
        byte[] bytes = "a😀b€".getBytes(StandardCharsets.UTF_8);
        Utf8TextValidator validator = new Utf8TextValidator();
        for (int i = 0; i < bytes.length; i++) {
            assertThat(validator.accept(bytes, i, 1)).isTrue();
        }
        assertThat(validator.isComplete()).isTrue();
    }

    @Test
    void isIncompleteWhenTheBytesEndInsideACharacter() {
        byte[] bytes = "é".getBytes(StandardCharsets.UTF_8);
        Utf8TextValidator validator = new Utf8TextValidator();
        assertThat(validator.accept(bytes, 0, 1)).isTrue();
        assertThat(validator.isComplete()).isFalse();
    }

    @Test
    void staysInvalidOnceInvalid() {
        Utf8TextValidator validator = new Utf8TextValidator();
        assertThat(validator.accept(new byte[] {0}, 0, 1)).isFalse();
        assertThat(validator.accept(new byte[] {'a'}, 0, 1)).isFalse();
        assertThat(validator.isComplete()).isFalse();
    }
}
