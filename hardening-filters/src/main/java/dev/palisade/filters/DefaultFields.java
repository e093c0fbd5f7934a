package dev.palisade.filters;

/**
 * The response fields {@link SecurityHeadersFilter} sets as defaults, numbered so that a response
 * can remember in one {@code int} which of them still hold the filter's value: the application's
 * own value for one of them replaces the default, whether it is set or added
 * ({@link ErrorCapturingResponse#addHeader}). {@code Content-Security-Policy} is not one of them: a
 * second policy is enforced as well as the first, so an added one must not drop
 * {@code frame-ancestors 'none'}.
 */
final class DefaultFields {
    static final int CONTENT_TYPE_OPTIONS = 0;
    static final int REFERRER_POLICY = 1;
    static final int FRAME_OPTIONS = 2;
    static final int STRICT_TRANSPORT_SECURITY = 3;
    static final int CACHE_CONTROL = 4;

    private static final String[] NAMES = {
        "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Strict-Transport-Security",
        "Cache-Control"};

    private DefaultFields() {
    }

    /** How many fields there are, numbered from 0. */
    static int count() {
        return NAMES.length;
    }

    static String name(int field) {
        return NAMES[field];
    }

    /** The bit of the field named {@code name} (any case), or 0 for a field that is no default. */
    static int bit(String name) {
        if (name != null) {
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i].length() == name.length() && NAMES[i].equalsIgnoreCase(name)) {
                    return 1 << i;
                }
            }
        }
        return 0;
    }
}
