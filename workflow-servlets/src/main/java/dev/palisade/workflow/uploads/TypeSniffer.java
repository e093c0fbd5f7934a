package dev.palisade.workflow.uploads;

import java.util.Optional;

/**
 * Tells an upload's type from its first bytes. Binary types are recognised by their signature; a
 * prefix that matches none is text if it is well-formed UTF-8 without disallowed control
 * characters. The prefix may end inside a multi-byte character, which does not make it invalid.
 * Everything else (executables, archives, office files, HTML is text only if it is UTF-8 ...) has no
 * type and is refused by the caller.
 */
public final class TypeSniffer {
    /** How many leading bytes {@link #sniff} looks at when that many are available. */
    public static final int SNIFF_BYTES = 4096;

    private static final byte[] PDF_SIGNATURE = {'%', 'P', 'D', 'F', '-'};
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG_SIGNATURE = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private TypeSniffer() {
    }

    /**
     * The type of a file starting with {@code prefix[0..length)}; empty when it is not an allowed type.
     * An empty prefix (an empty file) has no type.
     */
    public static Optional<UploadType> sniff(byte[] prefix, int length) {
        if (length <= 0) {
            return Optional.empty();
        }
        if (startsWith(prefix, length, PDF_SIGNATURE)) {
            return Optional.of(UploadType.PDF);
        }
        if (startsWith(prefix, length, PNG_SIGNATURE)) {
            return Optional.of(UploadType.PNG);
        }
        if (startsWith(prefix, length, JPEG_SIGNATURE)) {
            return Optional.of(UploadType.JPEG);
        }
        Utf8TextValidator text = new Utf8TextValidator();
        return text.accept(prefix, 0, Math.min(length, SNIFF_BYTES)) ? Optional.of(UploadType.TEXT) : Optional.empty();
    }

    private static boolean startsWith(byte[] bytes, int length, byte[] signature) {
        if (length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if (bytes[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
