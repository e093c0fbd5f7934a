package dev.palisade.filters;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes {@code application/x-www-form-urlencoded} text (query strings and form bodies) into
 * parameters: {@code +} is a space, {@code %XX} a byte, bytes are decoded in the given charset.
 * A broken {@code %} escape or a byte sequence the charset cannot decode is a
 * {@link MalformedBodyException} (a 400), as Jetty 12 and Tomcat 11 reject them when they parse
 * the same text: a body gets the same answer whether it came with a length or chunked. Bodies are
 * passed as ISO-8859-1 text, one char per byte, and decoded here. The number of parameters is
 * bounded, so a body of a million {@code &} cannot build a million map entries.
 */
final class FormUrlEncoded {
    private FormUrlEncoded() {
    }

    /**
     * What a broken {@code %} escape costs: the whole request (a 400, as Jetty, Tomcat and Undertow
     * refuse it), or only its own {@code name=value} pair, which Payara (GlassFish) drops, the other
     * pairs kept. {@code SHORT_KEPT}, Open Liberty's way: a {@code %} that its name or value ends
     * before two more characters is kept with them as written ({@code %}, {@code %4}, {@code %+});
     * any other broken escape refuses the request (Liberty's own parse throws, which would be a 500).
     * Where a broken escape does not refuse the request, bytes its charset cannot decode become U+FFFD,
     * as those containers decode them.
     */
    enum BrokenEscapes {
        REFUSED, PAIR_DROPPED, SHORT_KEPT;

        boolean lenientBytes() {
            return this != REFUSED;
        }
    }

    /**
     * Adds each {@code name=value} pair of {@code text}, characters as a container hands out a
     * query string, to {@code into}, in order; escapes are bytes in {@code charset}.
     */
    static void parse(String text, Charset charset, Params into) {
        parse(text, charset, BrokenEscapes.REFUSED, into);
    }

    /** {@link #parse(String, Charset, Params)}, a broken escape costing what {@code brokenEscapes} says. */
    static void parse(String text, Charset charset, BrokenEscapes brokenEscapes, Params into) {
        parse(text, charset, false, brokenEscapes, into);
    }

    /** {@link #parse}, for a body passed as ISO-8859-1 text: every char is a byte in {@code charset}. */
    static void parseBytes(String latin1, Charset charset, Params into) {
        parse(latin1, charset, true, BrokenEscapes.REFUSED, into);
    }

    /** {@link #parseBytes(String, Charset, Params)}, a broken escape costing what {@code brokenEscapes} says. */
    static void parseBytes(String latin1, Charset charset, BrokenEscapes brokenEscapes, Params into) {
        parse(latin1, charset, true, brokenEscapes, into);
    }

    private static void parse(String text, Charset charset, boolean bytes, BrokenEscapes brokenEscapes, Params into) {
        if (text == null || text.isEmpty()) {
            return;
        }
        int start = 0;
        int n = text.length();
        while (start <= n) {
            int amp = text.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            if (end > start && !(brokenEscapes == BrokenEscapes.PAIR_DROPPED && hasBrokenEscape(text, start, end))) {
                // Searched within the pair only: a search to the end of the text for every pair
                // made "a&a&...&a" followed by a long run without '=' cost pairs x length.
                int eq = Chars.indexOf(text, '=', start, end);
                String name;
                String value;
                if (eq < 0) {
                    name = decode(text, start, end, charset, bytes, brokenEscapes);
                    value = "";
                } else {
                    name = decode(text, start, eq, charset, bytes, brokenEscapes);
                    value = decode(text, eq + 1, end, charset, bytes, brokenEscapes);
                }
                into.add(name, value);
            }
            start = end + 1;
        }
    }

    /** Parameters in arrival order, bounded in number. */
    static final class Params {
        private final Map<String, List<String>> values = new LinkedHashMap<>();
        private final int max;
        private int count;

        Params(int max) {
            this.max = max;
        }

        void add(String name, String value) {
            if (count >= max) {
                throw new MalformedBodyException("More than " + max + " request parameters or parts");
            }
            count++;
            values.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }

        /** The servlet view: an unmodifiable map, names in arrival order. */
        Map<String, String[]> toMap() {
            Map<String, String[]> map = new LinkedHashMap<>();
            values.forEach((name, list) -> map.put(name, list.toArray(new String[0])));
            return Collections.unmodifiableMap(map);
        }
    }

    /**
     * Decodes {@code text[from, to)}. With {@code latin1Bytes} every char is one byte of the body,
     * so raw bytes outside ASCII are decoded in {@code charset} like escaped ones; otherwise chars
     * outside ASCII are characters the container already decoded and are kept.
     */
    static String decode(String text, int from, int to, Charset charset, boolean latin1Bytes) {
        return decode(text, from, to, charset, latin1Bytes, BrokenEscapes.REFUSED);
    }

    /**
     * {@link #decode(String, int, int, Charset, boolean)}; where a broken escape does not refuse the
     * request (Payara, Liberty), bytes that are not valid in {@code charset} become U+FFFD, as those
     * containers decode them, instead of refusing the request.
     */
    private static String decode(String text, int from, int to, Charset charset, boolean latin1Bytes,
            BrokenEscapes brokenEscapes) {
        boolean plain = true;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '+' || (latin1Bytes && c >= 0x80)) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return text.substring(from, to);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (brokenEscapes == BrokenEscapes.SHORT_KEPT && to - i < 3) {
                    for (int j = i; j < to; j++) {
                        j += writeAsIs(text, j, charset, latin1Bytes, bytes);
                    }
                    break;
                }
                if (hex(text, i + 1, to) < 0 || hex(text, i + 2, to) < 0) {
                    throw new MalformedBodyException("A request parameter has a broken percent-escape");
                }
                bytes.write(hex(text, i + 1, to) * 16 + hex(text, i + 2, to));
                i += 2;
            } else {
                i += writeAsIs(text, i, charset, latin1Bytes, bytes);
            }
        }
        if (brokenEscapes.lenientBytes()) {
            return decodeBytes(bytes.toByteArray(), charset);
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            MalformedBodyException malformed = new MalformedBodyException("A request parameter is not valid " + charset);
            malformed.initCause(e);
            throw malformed;
        }
    }

    /**
     * Writes the character at {@code i} as the bytes it stands for and returns how many more chars
     * it took: with {@code latin1Bytes} a char below 256 is a byte of the body; otherwise a char
     * outside ASCII is one a container already decoded, kept as the charset's bytes for it.
     */
    private static int writeAsIs(String text, int i, Charset charset, boolean latin1Bytes, ByteArrayOutputStream bytes) {
        char c = text.charAt(i);
        if (c < 0x80 || (latin1Bytes && c < 0x100)) {
            bytes.write(c);
            return 0;
        }
        int cp = text.codePointAt(i);
        byte[] encoded = new String(Character.toChars(cp)).getBytes(charset);
        bytes.write(encoded, 0, encoded.length);
        return Character.charCount(cp) - 1;
    }

    /** Whether {@code text[from, to)} has a {@code %} not followed by two hex digits. */
    private static boolean hasBrokenEscape(String text, int from, int to) {
        for (int i = Chars.indexOf(text, '%', from, to); i >= 0; i = Chars.indexOf(text, '%', i + 3, to)) {
            if (hex(text, i + 1, to) < 0 || hex(text, i + 2, to) < 0) {
                return true;
            }
        }
        return false;
    }

    private static int hex(String text, int i, int to) {
        if (i >= to) {
            return -1;
        }
        return Chars.hexValue(text.charAt(i));
    }

    /** Whether the charset writes {@code = & % +} as the single ASCII bytes a form is split on. */
    static boolean isAsciiCompatible(Charset charset) {
        return charset.canEncode() && Arrays.equals("=&%+az09".getBytes(charset), "=&%+az09".getBytes(StandardCharsets.US_ASCII));
    }

    /** Lenient: malformed sequences become U+FFFD (multipart field text, which containers decode so). */
    static String decodeBytes(byte[] bytes, Charset charset) {
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // Unreachable with REPLACE; decode leniently all the same.
            return new String(bytes, charset);
        }
    }
}
