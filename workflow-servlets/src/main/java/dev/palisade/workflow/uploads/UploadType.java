package dev.palisade.workflow.uploads;

import java.util.Locale;
import java.util.Set;

/**
 * The file types an upload may have, each recognised from its bytes by {@link TypeSniffer}. The
 * extension of a stored file comes from here, never from the client's file name.
 */
public enum UploadType {
    PDF("application/pdf", "pdf", Set.of("application/pdf", "application/x-pdf")),
    PNG("image/png", "png", Set.of("image/png")),
    JPEG("image/jpeg", "jpg", Set.of("image/jpeg", "image/jpg", "image/pjpeg")),
    /** UTF-8 text without control characters other than tab, CR and LF. */
    TEXT("text/plain", "txt", Set.of("text/plain"));

    private final String mediaType;
    private final String extension;
    private final Set<String> declaredAliases;

    UploadType(String mediaType, String extension, Set<String> declaredAliases) {
        this.mediaType = mediaType;
        this.extension = extension;
        this.declaredAliases = declaredAliases;
    }

    /** The canonical media type recorded for the upload, e.g. {@code image/jpeg}. */
    public String mediaType() {
        return mediaType;
    }

    /** File extension of the stored file, without the dot. */
    public String extension() {
        return extension;
    }

    /**
     * Whether a client's declared {@code Content-Type} is compatible with this sniffed type. A missing
     * declaration or {@code application/octet-stream} claims nothing and is compatible with every
     * type. For text, a {@code charset} parameter must name UTF-8 (or its subset US-ASCII): the bytes
     * were checked as UTF-8, so a file declared as another charset would be read wrongly.
     */
    public boolean isCompatibleWith(String declaredContentType) {
        if (declaredContentType == null || declaredContentType.isBlank()) {
            return true;
        }
        String[] parts = declaredContentType.split(";");
        String base = parts[0].trim().toLowerCase(Locale.ROOT);
        if (base.isEmpty() || "application/octet-stream".equals(base)) {
            return true;
        }
        if (!declaredAliases.contains(base)) {
            return false;
        }
        return this != TEXT || charsetIsUtf8Compatible(parts);
    }

    private static boolean charsetIsUtf8Compatible(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            int eq = parameter.indexOf('=');
            if (eq > 0 && "charset".equals(parameter.substring(0, eq).trim().toLowerCase(Locale.ROOT))) {
                String charset = parameter.substring(eq + 1).trim().replace("\"", "").toLowerCase(Locale.ROOT);
                return "utf-8".equals(charset) || "utf8".equals(charset) || "us-ascii".equals(charset);
            }
        }
        return true;
    }
}
