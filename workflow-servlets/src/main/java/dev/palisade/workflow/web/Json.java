package dev.palisade.workflow.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API's JSON: one strict {@link ObjectMapper} for bodies in and out.
 *
 * <p>Reading is bounded ({@link StreamReadConstraints}: nesting depth {@value #MAX_DEPTH}, strings
 * {@value #MAX_STRING} chars, documents {@value #MAX_DOCUMENT} bytes) and strict: unknown fields,
 * trailing tokens, duplicate keys, {@code null} for primitives and scalar coercion (a number where a
 * string is expected, a string where a number is) all fail. Every failure is a 400 whose detail names
 * the field at most — a name echoed only if it matches {@code [A-Za-z0-9_]{1,40}} — and never
 * carries the parser's own message.
 */
public final class Json {
    static final int MAX_DEPTH = 32;
    static final int MAX_STRING = 64 * 1024;
    static final int MAX_DOCUMENT = 1024 * 1024;

    static final String NOT_JSON = "The body is not valid JSON.";
    static final String TOO_DEEP_OR_LONG = "The JSON document is nested too deeply or is too long.";
    static final String UNSUPPORTED = "The body must be application/json.";
    static final String UNSUPPORTED_CODING = "The body must not be compressed or otherwise content-coded.";
    static final String NOT_OBJECT = "The body must be a JSON object.";
    private static final Pattern SAFE_FIELD = Pattern.compile("[A-Za-z0-9_]{1,40}");

    private final ObjectMapper mapper;

    public Json() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_STRING)
                        .maxDocumentLength(MAX_DOCUMENT)
                        .maxNumberLength(32)
                        .maxNameLength(1024)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        ObjectMapper built = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .addModule(new JavaTimeModule())
                .build();
        // No scalar coercion anywhere: 42 is not "42", "42" is not 42, true is not "true".
        for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
                LogicalType.Boolean, LogicalType.Collection, LogicalType.POJO}) {
            built.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        // ...except a string into a string.
        built.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.TryConvert);
        this.mapper = built;
    }

    /** The mapper, for writing documents other than responses (debug traces). */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * The request body as {@code type}, or empty when the request has no body at all.
     *
     * @throws ApiProblem 415 for a body that is not {@code application/json}, 400 for a bad document
     */
    public <T> Optional<T> read(HttpServletRequest request, Class<T> type) throws IOException {
        String contentType = request.getContentType();
        if (contentType != null && !isJson(contentType)) {
            throw new ApiProblem(415, UNSUPPORTED);
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_DOCUMENT + 1);
        }
        if (body.length == 0) {
            return Optional.empty();
        }
        if (isEncoded(request)) {
            // Compressed bytes would otherwise reach the parser and read as a syntax error (400).
            // RFC 9110 15.5.16: name the codings that would be accepted. (No body, nothing coded.)
            throw new ApiProblem(415, UNSUPPORTED_CODING, Map.of("Accept-Encoding", "identity"));
        }
        if (contentType == null) {
            throw new ApiProblem(415, UNSUPPORTED);
        }
        if (body.length > MAX_DOCUMENT) {
            throw ApiProblem.badRequest(TOO_DEEP_OR_LONG);
        }
        return Optional.of(parse(body, type));
    }

    /** Whether the body declares a content coding other than {@code identity} (gzip, deflate, br, …). */
    private static boolean isEncoded(HttpServletRequest request) {
        Enumeration<String> fields = request.getHeaders("Content-Encoding");
        while (fields != null && fields.hasMoreElements()) {
            for (String coding : fields.nextElement().split(",", -1)) {
                String name = coding.strip();
                if (!name.isEmpty() && !name.equalsIgnoreCase("identity")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The request body as {@code type}; a missing body is a 400. */
    public <T> T readRequired(HttpServletRequest request, Class<T> type) throws IOException {
        return read(request, type).orElseThrow(() -> ApiProblem.badRequest("A JSON body is required."));
    }

    <T> T parse(byte[] body, Class<T> type) {
        JsonNode tree;
        try {
            // Syntax first, then binding: a syntax error is never reported as a field's.
            tree = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiProblem.badRequest(TOO_DEEP_OR_LONG);
        } catch (IOException e) {
            throw ApiProblem.badRequest(NOT_JSON);
        }
        if (tree == null || tree.isMissingNode()) {
            throw ApiProblem.badRequest(NOT_JSON);
        }
        if (!tree.isObject()) {
            throw ApiProblem.badRequest(NOT_OBJECT);
        }
        try {
            return mapper.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiProblem.badRequest(safe(e.getPropertyName())
                    .map(name -> "Unknown field '" + name + "'.")
                    .orElse("The body has an unknown field."));
        } catch (JsonMappingException e) {
            throw ApiProblem.badRequest(topField(e)
                    .map(name -> "Field '" + name + "' has the wrong type.")
                    .orElse("The body does not have the expected fields."));
        } catch (JacksonException e) {
            throw ApiProblem.badRequest(NOT_JSON);
        }
    }

    private static Optional<String> topField(JsonMappingException e) {
        if (e.getPath().isEmpty()) {
            return Optional.empty();
        }
        return safe(e.getPath().get(0).getFieldName());
    }

    private static Optional<String> safe(String name) {
        return name != null && SAFE_FIELD.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }

    /** {@code application/json}, with at most a UTF-8 charset parameter. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!"application/json".equals(parts[0].strip().toLowerCase(Locale.ROOT))) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip().toLowerCase(Locale.ROOT).replace("\"", "");
            if (parameter.startsWith("charset=") && !"charset=utf-8".equals(parameter)) {
                return false;
            }
        }
        return true;
    }

    /** Writes {@code body} as the JSON response with {@code status}. */
    public void write(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
