package dev.palisade.workflow.analysis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a chat completion and checks the model's answer strictly: the body must be a completion whose first
 * choice's message content is one JSON object with only {@code intent} (required, an {@link Intent} name in
 * any case),
 * {@code date} ({@code YYYY-MM-DD} or null, {@linkplain DateFinder#isPlausible plausible}), {@code guests}
 * (an integer 1..10,000 or null) and {@code wishes} (strings; a synonym becomes its
 * {@link WishVocabulary} name, anything else is dropped). Anything else is a {@link Rejected} answer.
 *
 * <p>Parsing is bounded by {@link StreamReadConstraints} (nesting, string, number and document length) and
 * duplicate keys are an error. A rejection never carries the parser's message: it can quote the answer,
 * and the answer can quote the client's message.
 */
final class LlmAnswer {

    static final String SOURCE = "llm";

    /** The most a response body may have, in bytes: a completion with a small JSON answer is far less. */
    static final int BODY_LIMIT_BYTES = 65_536;

    private static final int MAX_WISHES = 32;
    private static final Set<String> FIELDS = Set.of("intent", "date", "guests", "wishes");
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Map<String, Intent> INTENTS = Arrays.stream(Intent.values())
            .collect(Collectors.toUnmodifiableMap(Intent::name, Function.identity()));

    /** The JSON reader and writer of the adapter, bounded for untrusted input. */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(32)
                            .maxStringLength(32_768)
                            .maxNumberLength(32)
                            .maxDocumentLength(BODY_LIMIT_BYTES)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Why the answer was not used; {@code detail} is a fixed phrase, never content. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        private final FallbackReason reason;

        Rejected(FallbackReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }

        FallbackReason reason() {
            return reason;
        }
    }

    private LlmAnswer() {
    }

    static Analysis parse(byte[] body, LocalDate today) throws Rejected {
        String content = content(body);
        JsonNode answer;
        try {
            answer = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw new Rejected(FallbackReason.INVALID_ANSWER, "content is not JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (answer == null || !answer.isObject()) {
            throw new Rejected(FallbackReason.INVALID_ANSWER, "content is not a JSON object");
        }
        for (Iterator<String> names = answer.fieldNames(); names.hasNext();) {
            if (!FIELDS.contains(names.next())) {
                throw new Rejected(FallbackReason.INVALID_ANSWER, "unknown field");
            }
        }
        return new Analysis(intent(answer.get("intent")), date(answer.get("date"), today), guests(answer.get("guests")),
                wishes(answer.get("wishes")), SOURCE);
    }

    private static String content(byte[] body) throws Rejected {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(body);
        } catch (IOException e) {
            throw new Rejected(FallbackReason.MALFORMED_RESPONSE, "body is not JSON (" + e.getClass().getSimpleName() + ")");
        }
        JsonNode content = envelope == null ? null
                : envelope.path("choices").path(0).path("message").get("content");
        if (content == null || !content.isTextual()) {
            throw new Rejected(FallbackReason.MALFORMED_RESPONSE, "no choices[0].message.content string");
        }
        return content.textValue();
    }

    private static Intent intent(JsonNode node) throws Rejected {
        Intent intent = node != null && node.isTextual()
                ? INTENTS.get(node.textValue().strip().toUpperCase(Locale.ROOT)) : null;
        if (intent == null) {
            throw new Rejected(FallbackReason.INVALID_ANSWER, "intent missing or unknown");
        }
        return intent;
    }

    private static LocalDate date(JsonNode node, LocalDate today) throws Rejected {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || !ISO_DATE.matcher(node.textValue()).matches()) {
            throw new Rejected(FallbackReason.INVALID_ANSWER, "date not YYYY-MM-DD");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(node.textValue());
        } catch (DateTimeParseException e) {
            throw new Rejected(FallbackReason.INVALID_ANSWER, "date does not exist");
        }
        if (!DateFinder.isPlausible(date, today)) {
            throw new Rejected(FallbackReason.INVALID_ANSWER, "date outside the plausible window");
        }
        return date;
    }

    private static Integer guests(JsonNode node) throws Rejected {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()
                || node.intValue() < 1 || node.intValue() > GuestFinder.MAX_GUESTS) {
            throw new Rejected(FallbackReason.INVALID_ANSWER, "guests not an integer 1..10000");
        }
        return node.intValue();
    }

    private static List<String> wishes(JsonNode node) throws Rejected {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_WISHES) {
            throw new Rejected(FallbackReason.INVALID_ANSWER, "wishes not a short array");
        }
        List<String> wishes = new ArrayList<>();
        for (JsonNode w : node) {
            if (!w.isTextual()) {
                throw new Rejected(FallbackReason.INVALID_ANSWER, "wish not a string");
            }
            Optional<String> name = WishVocabulary.canonical(w.textValue());
            if (name.isPresent() && !wishes.contains(name.get())) {
                wishes.add(name.get());
            }
        }
        return wishes;
    }
}
