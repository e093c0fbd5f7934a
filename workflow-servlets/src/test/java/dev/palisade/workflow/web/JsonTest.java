package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {
    private final Json json = new Json();

    private ApiProblem failure(String body, Class<?> type) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> json.parse(body.getBytes(StandardCharsets.UTF_8), type));
        assertThat(thrown).isInstanceOf(ApiProblem.class);
        return (ApiProblem) thrown;
    }

    @Test
    void bindsAValidBody() {
        Bodies.StartConversation body = json.parse(
                "{\"email\":\"a@example.com\",\"message\":\"hi\"}".getBytes(StandardCharsets.UTF_8),
                Bodies.StartConversation.class);
        assertThat(body.email()).isEqualTo("a@example.com");
        assertThat(body.name()).isNull();
    }

    @Test
    void namesAnUnknownField() {
        assertThat(failure("{\"email\":\"a@b.c\",\"foo\":1}", Bodies.StartConversation.class).detail())
                .isEqualTo("Unknown field 'foo'.");
    }

    @Test
    void doesNotEchoAnUnknownFieldWithUnsafeCharacters() {
        assertThat(failure("{\"<script>\":1}", Bodies.StartConversation.class).detail())
                .isEqualTo("The body has an unknown field.");
    }

    @Test
    void refusesANumberWhereAStringIsExpected() {
        assertThat(failure("{\"email\":\"a@b.c\",\"message\":42}", Bodies.StartConversation.class).detail())
                .isEqualTo("Field 'message' has the wrong type.");
    }

    @Test
    void refusesABooleanOrObjectWhereAStringIsExpected() {
        assertThat(failure("{\"message\":true}", Bodies.StartConversation.class).detail())
                .isEqualTo("Field 'message' has the wrong type.");
        assertThat(failure("{\"message\":{\"a\":1}}", Bodies.StartConversation.class).detail())
                .isEqualTo("Field 'message' has the wrong type.");
    }

    @Test
    void refusesAStringOrFractionWhereANumberIsExpected() {
        assertThat(failure("{\"guests\":\"12\"}", Bodies.AvailabilityCheck.class).detail())
                .isEqualTo("Field 'guests' has the wrong type.");
        assertThat(failure("{\"guests\":12.5}", Bodies.AvailabilityCheck.class).detail())
                .isEqualTo("Field 'guests' has the wrong type.");
    }

    @Test
    void refusesAScalarWhereAListIsExpected() {
        assertThat(failure("{\"wishes\":\"projector\"}", Bodies.AvailabilityCheck.class).detail())
                .isEqualTo("Field 'wishes' has the wrong type.");
        assertThat(failure("{\"wishes\":[1]}", Bodies.AvailabilityCheck.class).detail())
                .isEqualTo("Field 'wishes' has the wrong type.");
    }

    @Test
    void refusesTrailingGarbage() {
        assertThat(failure("{\"email\":\"a@b.c\"} x", Bodies.StartConversation.class).detail())
                .isEqualTo(Json.NOT_JSON);
        assertThat(failure("{\"email\":\"a@b.c\"}{}", Bodies.StartConversation.class).detail())
                .isEqualTo(Json.NOT_JSON);
    }

    @Test
    void refusesMalformedJsonWithoutParserText() {
        ApiProblem problem = failure("{\"email\":", Bodies.StartConversation.class);
        assertThat(problem.detail()).isEqualTo(Json.NOT_JSON);
        assertThat(failure("{'email':'x'}", Bodies.StartConversation.class).detail()).isEqualTo(Json.NOT_JSON);
    }

    @Test
    void refusesDuplicateKeys() {
        assertThat(failure("{\"email\":\"a@b.c\",\"email\":\"d@e.f\"}", Bodies.StartConversation.class).detail())
                .isEqualTo(Json.NOT_JSON);
    }

    @Test
    void refusesANonObjectDocument() {
        assertThat(failure("[1,2]", Bodies.StartConversation.class).detail()).isEqualTo(Json.NOT_OBJECT);
        assertThat(failure("\"text\"", Bodies.StartConversation.class).detail()).isEqualTo(Json.NOT_OBJECT);
        assertThat(failure("null", Bodies.StartConversation.class).detail()).isEqualTo(Json.NOT_OBJECT);
    }

    @Test
    void refusesDeepNesting() {
        String deep = "{\"message\":" + "[".repeat(40) + "]".repeat(40) + "}";
        assertThat(failure(deep, Bodies.StartConversation.class).detail()).isEqualTo(Json.TOO_DEEP_OR_LONG);
    }

    @Test
    void refusesOverLongStrings() {
        String longString = "{\"message\":\"" + "a".repeat(Json.MAX_STRING + 1) + "\"}";
        assertThat(failure(longString, Bodies.StartConversation.class).detail()).isEqualTo(Json.TOO_DEEP_OR_LONG);
    }

    @Test
    void acceptsAnEmptyObjectForARecordWithoutFields() {
        assertThat(json.parse("{}".getBytes(StandardCharsets.UTF_8), Bodies.Empty.class)).isNotNull();
        assertThat(failure("{\"a\":1}", Bodies.Empty.class).detail()).isEqualTo("Unknown field 'a'.");
    }

    @Test
    void acceptsOnlyJsonContentTypes() {
        assertThat(Json.isJson("application/json")).isTrue();
        assertThat(Json.isJson("application/json; charset=UTF-8")).isTrue();
        assertThat(Json.isJson("Application/JSON;charset=\"utf-8\"")).isTrue();
        assertThat(Json.isJson("application/json; charset=ISO-8859-1")).isFalse();
        assertThat(Json.isJson("text/plain")).isFalse();
        assertThat(Json.isJson("application/x-www-form-urlencoded")).isFalse();
        assertThat(Json.isJson(null)).isFalse();
    }

    @Test
    void neverPutsJacksonTextInADetail() {
        assertThatThrownBy(() -> json.parse("{\"guests\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                Bodies.AvailabilityCheck.class))
                .isInstanceOf(ApiProblem.class)
                .hasMessageNotContaining("Cannot")
                .hasMessageNotContaining("java.")
                .hasMessageNotContaining("line:");
    }
}
