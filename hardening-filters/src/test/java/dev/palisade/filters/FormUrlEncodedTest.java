package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormUrlEncodedTest {

    /**
     * A query string a container already decoded may hold any character: an escape's digits must
     * still be ASCII hex (Character.digit also takes other scripts' digits and fullwidth letters).
     */
    @ParameterizedTest
    @ValueSource(strings = {"%\u06641", "%\uFF11\uFF11", "%\uFF21\uFF21", "%4\u0661"})
    void refusesAnEscapeWhoseDigitsAreNotAsciiHex(String text) {
        assertThatThrownBy(() -> FormUrlEncoded.decode(text, 0, text.length(), StandardCharsets.UTF_8, false))
                .isInstanceOf(MalformedBodyException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%41", "%4a", "%4A"})
    void decodesAsciiHexInEitherCase(String text) {
        assertThat(FormUrlEncoded.decode(text, 0, text.length(), StandardCharsets.UTF_8, false))
                .isEqualTo(String.valueOf((char) Integer.parseInt(text.substring(1), 16)));
    }
}
