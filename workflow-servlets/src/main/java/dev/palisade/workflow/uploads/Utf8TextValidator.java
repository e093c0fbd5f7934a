package dev.palisade.workflow.uploads;

/**
 * Checks, chunk by chunk, that bytes are well-formed UTF-8 text: no overlong forms, surrogates or
 * code points past U+10FFFF (Unicode table 3-7), and no control characters other than tab, LF and
 * CR (C0, DEL and C1 are refused, so a binary file does not pass as text). A character may be split
 * across chunks; {@link #isComplete()} tells whether the bytes seen so far end on a character
 * boundary.
 */
final class Utf8TextValidator {
    private static final int CONTINUATION_MIN = 0x80;
    private static final int CONTINUATION_MAX = 0xBF;

    /** Continuation bytes still expected for the current character. */
    private int pending;
    /** Allowed range of the next continuation byte (narrower right after some lead bytes). */
    private int lower = CONTINUATION_MIN;
    private int upper = CONTINUATION_MAX;
    private boolean valid = true;

    /** Feeds {@code length} bytes; returns false (and stays false) once anything invalid was seen. */
    boolean accept(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length && valid; i++) {
            valid = acceptByte(bytes[i] & 0xFF);
        }
        return valid;
    }

    /** Whether everything fed so far is valid and ends on a character boundary. */
    boolean isComplete() {
        return valid && pending == 0;
    }

    private boolean acceptByte(int b) {
        if (pending > 0) {
            if (b < lower || b > upper) {
                return false;
            }
            pending--;
            lower = CONTINUATION_MIN;
            upper = CONTINUATION_MAX;
            return true;
        }
        if (b < 0x80) {
            return b >= 0x20 && b != 0x7F || b == '\t' || b == '\n' || b == '\r';
        }
        if (b == 0xC2) {
            // U+0080..U+009F are the C1 controls: only U+00A0.. may follow this lead byte.
            return expect(1, 0xA0, CONTINUATION_MAX);
        }
        if (b >= 0xC3 && b <= 0xDF) {
            return expect(1, CONTINUATION_MIN, CONTINUATION_MAX);
        }
        if (b == 0xE0) {
            return expect(2, 0xA0, CONTINUATION_MAX);
        }
        if (b >= 0xE1 && b <= 0xEC || b == 0xEE || b == 0xEF) {
            return expect(2, CONTINUATION_MIN, CONTINUATION_MAX);
        }
        if (b == 0xED) {
            // No UTF-16 surrogates (U+D800..U+DFFF).
            return expect(2, CONTINUATION_MIN, 0x9F);
        }
        if (b == 0xF0) {
            return expect(3, 0x90, CONTINUATION_MAX);
        }
        if (b >= 0xF1 && b <= 0xF3) {
            return expect(3, CONTINUATION_MIN, CONTINUATION_MAX);
        }
        if (b == 0xF4) {
            return expect(3, CONTINUATION_MIN, 0x8F);
        }
        // 0x80..0xC1 (stray continuation, overlong two-byte) and 0xF5..0xFF never start a character.
        return false;
    }

    private boolean expect(int continuationBytes, int firstLower, int firstUpper) {
        pending = continuationBytes;
        lower = firstLower;
        upper = firstUpper;
        return true;
    }
}
