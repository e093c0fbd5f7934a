package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    /** Payara's way: a pair with a broken escape is dropped, in its name or value, the other pairs kept. */
    @ParameterizedTest
    @ValueSource(strings = {"a=%zz&b=1", "a=x%4&b=1", "%zz=1&b=1", "a=%&b=1", "b=1&a=%4"})
    void dropsOnlyThePairWithABrokenEscapeWhenAsked(String text) {
        FormUrlEncoded.Params params = new FormUrlEncoded.Params(10);
        FormUrlEncoded.parse(text, StandardCharsets.ISO_8859_1, FormUrlEncoded.BrokenEscapes.PAIR_DROPPED, params);

        assertThat(params.toMap()).containsOnlyKeys("b");
        assertThatThrownBy(() -> FormUrlEncoded.parse(text, StandardCharsets.ISO_8859_1, new FormUrlEncoded.Params(10)))
                .isInstanceOf(MalformedBodyException.class);
    }

    @Test
    void keepsAPairWhoseEscapesAreWhole() {
        FormUrlEncoded.Params params = new FormUrlEncoded.Params(10);
        FormUrlEncoded.parse("a=%C3%A9%41", StandardCharsets.ISO_8859_1, FormUrlEncoded.BrokenEscapes.PAIR_DROPPED, params);

        assertThat(params.toMap().get("a")).containsExactly("\u00c3\u00a9A");
    }

    /** Open Liberty's way: an escape its name or value ends too soon for is kept as written, with what follows it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"a=%|%", "a=x%4|x%4", "a=%+|%+", "a=%%|%%", "a=%e|%e", "a=%41%4|A%4", "a=+%2|' %2'"})
    void keepsAnEscapeCutShortByTheEndOfItsValueWhenAsked(String text, String value) {
        FormUrlEncoded.Params params = new FormUrlEncoded.Params(10);
        FormUrlEncoded.parseBytes(text + "&b%4=1", StandardCharsets.UTF_8, FormUrlEncoded.BrokenEscapes.SHORT_KEPT, params);

        assertThat(params.toMap().get("a")).containsExactly(value);
        assertThat(params.toMap().get("b%4")).containsExactly("1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=%zz", "a=%%41", "a=%4%41&b=1", "%G1=1", "a=%ex1"})
    void refusesAnyOtherBrokenEscapeWhenKeepingShortOnes(String text) {
        assertThatThrownBy(() -> FormUrlEncoded.parseBytes(text, StandardCharsets.UTF_8,
                FormUrlEncoded.BrokenEscapes.SHORT_KEPT, new FormUrlEncoded.Params(10)))
                .isInstanceOf(MalformedBodyException.class);
    }

    @Test
    void decodesBytesNotValidInTheCharsetAsReplacementsWhenKeepingShortEscapes() {
        FormUrlEncoded.Params params = new FormUrlEncoded.Params(10);
        FormUrlEncoded.parseBytes("a=%FF%FE&b=%C3&c=%C3%A9", StandardCharsets.UTF_8, FormUrlEncoded.BrokenEscapes.SHORT_KEPT, params);

        assertThat(params.toMap().get("a")).containsExactly("\ufffd\ufffd");
        assertThat(params.toMap().get("b")).containsExactly("\ufffd");
        assertThat(params.toMap().get("c")).containsExactly("\u00e9");
    }

    /** maxParameters is a bound: that many are taken, one more refuses the request. */
    @Test
    void boundsTheNumberOfParameters() {
        FormUrlEncoded.Params params = new FormUrlEncoded.Params(2);
        FormUrlEncoded.parse("a=1&b=2", StandardCharsets.UTF_8, params);

        assertThatThrownBy(() -> FormUrlEncoded.parse("c=3", StandardCharsets.UTF_8, params))
                .isInstanceOf(MalformedBodyException.class).hasMessageContaining("More than 2");
    }

    /** Bytes the charset cannot decode refuse the request, as Jetty and Tomcat do: not U+FFFD. */
    @Test
    void refusesBytesTheCharsetCannotDecodeByDefault() {
        assertThatThrownBy(() -> FormUrlEncoded.parse("a=%FF", StandardCharsets.UTF_8, new FormUrlEncoded.Params(10)))
                .isInstanceOf(MalformedBodyException.class);
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 10, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void decodesZeroDigitsSkipsEmptyPairsAndKeepsCharactersAsSent() {
        FormUrlEncoded.Params params = new FormUrlEncoded.Params(10);
        FormUrlEncoded.parse("&a=%20%30%09&&b=\u00e9+\uD83D\uDE00&", StandardCharsets.UTF_8, params);
        FormUrlEncoded.parseBytes("c=\u00c3\u00a9+", StandardCharsets.UTF_8, params);
        FormUrlEncoded.parse("d=%20%09", StandardCharsets.UTF_8, FormUrlEncoded.BrokenEscapes.PAIR_DROPPED, params);

        assertThat(params.toMap()).containsOnlyKeys("a", "b", "c", "d");
        assertThat(params.toMap().get("a")).containsExactly(" 0\t");
        assertThat(params.toMap().get("b")).containsExactly("\u00e9 \uD83D\uDE00");
        assertThat(params.toMap().get("c")).containsExactly("\u00e9 ");
        assertThat(params.toMap().get("d")).containsExactly(" \t");
    }
}
