package dev.palisade.filters;

import java.util.Collection;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Warnings, at a filter's start, for path settings that are valid but plainly match less than
 * meant, where refusing them would be wrong for the rare setting that means it: an entry written
 * with the context path ({@code /myapp/api/debug/*} in a context at {@code /myapp} matches only
 * {@code /myapp/myapp/api/debug/*}, since every path setting is relative to the context), and a
 * method no client is known to send ({@code PSOT /api/send-message} limits nothing; extension
 * methods are legal, so it is not refused).
 */
final class PathSettingChecks {
    /** RFC 9110's methods, PATCH (RFC 5789), QUERY and WebDAV's (RFC 4918, 3253, 5323). */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
            "OPTIONS", "TRACE", "PATCH", "QUERY", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK",
            "REPORT", "SEARCH", "MKACTIVITY", "CHECKOUT", "MERGE", "VERSION-CONTROL",
            // The rest of the IANA HTTP Method Registry (CalDAV, WebDAV ACL/BIND/versioning, LINK).
            "ACL", "BASELINE-CONTROL", "BIND", "CHECKIN", "LABEL", "LINK", "MKCALENDAR", "MKREDIRECTREF", "MKWORKSPACE",
            "ORDERPATCH", "PRI", "REBIND", "UNBIND", "UNCHECKOUT", "UNLINK", "UPDATE", "UPDATEREDIRECTREF");

    private PathSettingChecks() {
    }

    /**
     * Warns for each of {@code patterns} (as the setting holds them: {@code /path},
     * {@code /prefix/*}, or {@code METHOD /path}) that starts with the context path.
     */
    static void warnContextPath(Logger log, String filterName, String contextPath, String key,
            Collection<String> patterns) {
        if (contextPath == null || contextPath.isEmpty() || contextPath.equals("/")) {
            return;
        }
        String context = Chars.foldCase(contextPath);
        for (String pattern : patterns) {
            String path = pathOf(pattern);
            String folded = Chars.foldCase(path);
            if (folded.equals(context) || folded.startsWith(context + "/")) {
                log.warn("{}: {} entry {} starts with the context path {}: path settings are relative to the "
                        + "context, so it matches only {}{}", LogSafe.escape(filterName), key, LogSafe.escape(pattern),
                        LogSafe.escape(contextPath), LogSafe.escape(contextPath), LogSafe.escape(path));
            }
        }
    }

    /** Warns for each method named in {@code patterns} ({@code METHOD /path}) that no client is known to send. */
    static void warnUnknownMethods(Logger log, String filterName, String key, Collection<String> patterns) {
        for (String pattern : patterns) {
            warnUnknownMethod(log, filterName, key, methodOf(pattern), pattern);
        }
    }

    /** As above, for one entry whose method is already split off ({@code null}: any). */
    static void warnUnknownMethod(Logger log, String filterName, String key, String method, String entry) {
        if (method != null && !KNOWN_METHODS.contains(method)) {
            log.warn("{}: {} entry {} names the method {}, which no client is known to send: it matches no "
                    + "request unless one does (a typo?)", LogSafe.escape(filterName), key, LogSafe.escape(entry),
                    LogSafe.escape(method));
        }
    }

    private static String pathOf(String pattern) {
        int slash = pattern.indexOf('/');
        return slash < 0 ? pattern : pattern.substring(slash).trim();
    }

    private static String methodOf(String pattern) {
        String trimmed = pattern.trim();
        int slash = trimmed.indexOf('/');
        String method = slash <= 0 ? "" : trimmed.substring(0, slash).trim();
        return method.isEmpty() ? null : method;
    }
}
