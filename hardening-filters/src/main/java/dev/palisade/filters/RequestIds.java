package dev.palisade.filters;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request id every response carries in {@code X-Request-Id} and every problem body repeats.
 * The incoming header is kept when it is safe to log and echo ({@code [A-Za-z0-9._-]{1,64}});
 * anything else is replaced by a fresh id. The id is computed once per request and cached in a
 * request attribute, so every filter and the application see the same value.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    /** Request attribute holding the id once resolved. */
    public static final String ATTRIBUTE = "dev.palisade.requestId";

    private static final int MAX_LENGTH = 64;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    /** The request's id: the cached one, the valid incoming header, or a new random id. */
    public static String of(HttpServletRequest request) {
        Object cached = request.getAttribute(ATTRIBUTE);
        if (cached instanceof String id) {
            return id;
        }
        String incoming = request.getHeader(HEADER);
        String id = isValid(incoming) ? incoming : newId();
        request.setAttribute(ATTRIBUTE, id);
        return id;
    }

    /** {@link #of} and, unless already there, the {@code X-Request-Id} response header. */
    public static String ensure(HttpServletRequest request, HttpServletResponse response) {
        String id = of(request);
        // No isCommitted() check: containers ignore header changes on a committed response (the
        // servlet specification says so), and on Jetty the check takes the channel's lock, which
        // a profile under load showed contended.
        if (!response.containsHeader(HEADER)) {
            // Known absent, so add: setHeader would search the fields again.
            response.addHeader(HEADER, id);
        }
        return id;
    }

    /** Whether {@code candidate} may be echoed and logged as it is. */
    public static boolean isValid(String candidate) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * A fresh id: 128 random bits as 32 hex digits. Ids correlate logs, they are not secrets. Public
     * so that code answering outside the filters (a container's error handler) issues the same kind.
     */
    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[32];
        long hi = random.nextLong();
        long lo = random.nextLong();
        for (int i = 0; i < 16; i++) {
            out[15 - i] = HEX[(int) (hi >>> (i * 4)) & 0xF];
            out[31 - i] = HEX[(int) (lo >>> (i * 4)) & 0xF];
        }
        return new String(out);
    }
}
