package dev.palisade.filters;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The path of a request within its context, for security decisions. Three views are offered
 * because an application may route on any of them: the container's own mapping path (servlet path
 * + path info: decoded, path parameters removed, dot segments resolved); the raw request URI
 * normalised here the same way, plus {@code //} collapsed and {@code \} read as {@code /}, which
 * some routers do; and the raw URI decoded with its path parameters removed but nothing resolved,
 * as a router that matches segments as they came sees it. A check that blocks when ANY view matches
 * cannot be bypassed by a spelling one of them would undo.
 */
final class RequestPaths {
    private RequestPaths() {
    }

    /**
     * The request's path inside the context as servlet mappings see it — servlet path + path info,
     * decoded and normalised by the container — and what every path rule of the kit matches on.
     */
    static String mapped(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        if (pathInfo == null) {
            return servletPath == null || servletPath.isEmpty() ? "/" : servletPath;
        }
        return servletPath == null || servletPath.isEmpty() ? pathInfo : servletPath + pathInfo;
    }

    /** {@link #mapped}, or {@code null} when the container refuses to say. */
    static String routed(HttpServletRequest request) {
        try {
            return mapped(request);
        } catch (IllegalArgumentException ambiguous) {
            // Jetty throws for ambiguous URIs it would not route; the raw view still decides.
            return null;
        }
    }

    /**
     * Whether {@code uri} from {@code from} on is a path no normaliser would change but for case
     * and one trailing slash: non-empty, printable ASCII, starting with {@code /}, without
     * {@code %}, {@code ;}, {@code \\}, {@code //} or a segment starting with {@code .}.
     */
    static boolean isPlain(String uri, int from) {
        int end = uri.length();
        if (from >= end || uri.charAt(from) != '/') {
            return false;
        }
        char previous = 0;
        for (int i = from; i < end; i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '%' || c == ';' || c == '\\'
                    || (previous == '/' && (c == '/' || c == '.'))) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    /**
     * The raw request URI as a router that matches its segments as they came sees it: minus the
     * context path, {@code %XX} decoded (ASCII only) and {@code ;parameters} removed, but every
     * empty, {@code .} and {@code ..} segment and every {@code \} kept ({@code /api/files/../../health}
     * stays so, where the container maps {@code /health}). {@code null} when the URI is
     * {@link #isPlain plain}, so that this view is the container's {@link #mapped} path (the
     * common request: one scan, no allocation), or when an escape is malformed.
     */
    static String literal(HttpServletRequest request) {
        return literal(request.getRequestURI(), request.getContextPath());
    }

    /** {@link #literal(HttpServletRequest)} of a raw {@code uri} in a context at {@code context}. */
    static String literal(String uri, String context) {
        if (uri == null || isPlain(uri, 0)) {
            return null;
        }
        String decoded;
        if (context == null || context.isEmpty() || (uri.startsWith(context) && (uri.length() == context.length()
                || uri.charAt(context.length()) == '/' || uri.charAt(context.length()) == ';'))) {
            decoded = decodeAscii(uri.substring(context == null ? 0 : context.length()));
        } else {
            // The context spelled otherwise than the container reports it (/sh%6Fp, //shop on
            // Tomcat): its segments, counted, not its text, are what the container took.
            String whole = decodeAscii(uri);
            decoded = whole == null ? null : withoutContext(whole, context);
        }
        if (decoded == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(decoded.length());
        String[] segments = decoded.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            int semicolon = segment.indexOf(';');
            out.append('/').append(semicolon >= 0 ? segment.substring(0, semicolon) : segment);
        }
        return out.length() == 0 ? "/" : out.toString();
    }

    /**
     * {@code decodedUri} after the shortest run of its segments that resolves to the context
     * ({@code ;parameters} ignored, {@code .} and {@code ..} resolved), as the container matched it:
     * {@code //x/../shop/api} is {@code /api} in {@code /shop}. {@code null} when none does. One pass.
     */
    private static String withoutContext(String decodedUri, String context) {
        String normalizedContext = normalize(context);
        if (normalizedContext == null || decodedUri.isEmpty() || decodedUri.charAt(0) != '/') {
            return null;
        }
        String[] wanted = normalizedContext.substring(1).split("/");
        Deque<String> resolved = new ArrayDeque<>();
        int i = 0;
        int n = decodedUri.length();
        while (i < n) {
            int end = decodedUri.indexOf('/', i + 1);
            end = end < 0 ? n : end;
            String segment = decodedUri.substring(i + 1, end);
            int semicolon = segment.indexOf(';');
            String name = semicolon >= 0 ? segment.substring(0, semicolon) : segment;
            if (name.equals("..")) {
                if (resolved.isEmpty()) {
                    return null;
                }
                resolved.removeLast();
            } else if (!name.isEmpty() && !name.equals(".")) {
                resolved.addLast(name);
            }
            if (resolved.size() == wanted.length && sameSegments(resolved, wanted)) {
                return decodedUri.substring(end);
            }
            i = end;
        }
        return null;
    }

    private static boolean sameSegments(Deque<String> resolved, String[] wanted) {
        int k = 0;
        for (String segment : resolved) {
            if (!segment.equals(wanted[k++])) {
                return false;
            }
        }
        return true;
    }

    /** {@code path} without one trailing slash, or {@code null} when it has none (or is the root). */
    static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : null;
    }

    /**
     * Whether {@code path} holds an empty, {@code .} or {@code ..} segment: a form no mapped path
     * takes (containers resolve or refuse them), so a rule written that way could never match.
     */
    static boolean hasUnresolvedSegments(String path) {
        return path.contains("//") || path.contains("/./") || path.contains("/../")
                || path.endsWith("/.") || path.endsWith("/..");
    }

    /** The raw request URI minus the context path, decoded and normalised; {@code null} when it cannot be. */
    static String normalizedRaw(HttpServletRequest request) {
        return normalizedRaw(request.getRequestURI(), request.getContextPath());
    }

    /** {@link #normalizedRaw(HttpServletRequest)} of a raw {@code rawUri} in a context at {@code rawContext}. */
    static String normalizedRaw(String rawUri, String rawContext) {
        String uri = normalize(rawUri);
        if (uri == null) {
            return null;
        }
        String context = normalize(rawContext);
        if (context != null && !context.equals("/") && uri.startsWith(context)
                && (uri.length() == context.length() || uri.charAt(context.length()) == '/')) {
            uri = uri.substring(context.length());
        }
        return uri.isEmpty() ? "/" : uri;
    }

    /**
     * Decodes {@code %XX} (ASCII only; other bytes are kept encoded), strips {@code ;parameters} from
     * each segment, reads {@code \} as {@code /}, drops empty and {@code .} segments and resolves
     * {@code ..}. Returns {@code null} for malformed escapes or a {@code ..} above the root.
     */
    static String normalize(String rawPath) {
        String decoded = rawPath == null ? null : decodeAscii(rawPath);
        if (decoded == null) {
            return null;
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.replace('\\', '/').split("/", -1)) {
            int semicolon = segment.indexOf(';');
            String name = semicolon >= 0 ? segment.substring(0, semicolon) : segment;
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.removeLast();
                continue;
            }
            segments.addLast(name);
        }
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder(decoded.length());
        for (String segment : segments) {
            out.append('/').append(segment);
        }
        return out.toString();
    }

    /** Decodes {@code %XX} escapes of ASCII characters; others stay encoded. {@code null} for a malformed escape. */
    private static String decodeAscii(String rawPath) {
        if (rawPath.indexOf('%') < 0) {
            return rawPath;
        }
        StringBuilder decoded = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c != '%') {
                decoded.append(c);
                continue;
            }
            if (i + 2 >= rawPath.length()) {
                return null;
            }
            int hi = Chars.hexValue(rawPath.charAt(i + 1));
            int lo = Chars.hexValue(rawPath.charAt(i + 2));
            if (hi < 0 || lo < 0) {
                return null;
            }
            int b = hi * 16 + lo;
            if (b < 0x80) {
                decoded.append((char) b);
            } else {
                decoded.append(rawPath, i, i + 3);
            }
            i += 2;
        }
        return decoded.toString();
    }

    /**
     * Lower case (ASCII rules), runs of {@code /} collapsed, no trailing slash: the form path
     * patterns are compared in. Case is folded because a router behind the filter may ignore it;
     * blocking {@code /API/debug} too costs nothing.
     */
    static String comparable(String path) {
        String lower = Chars.foldCase(path);
        StringBuilder out = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c != '/' || out.length() == 0 || out.charAt(out.length() - 1) != '/') {
                out.append(c);
            }
        }
        int end = out.length();
        while (end > 1 && out.charAt(end - 1) == '/') {
            end--;
        }
        out.setLength(end);
        return out.toString();
    }
}
