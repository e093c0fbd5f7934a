package dev.palisade.filters;

import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes header fields from a response not yet committed. {@code setHeader(name, null)} removes
 * one from Servlet 6.1 on (Tomcat 11, Jetty 12 do so under 6.0 too); a Servlet 6.0 container may
 * ignore it (Tomcat 10.1 does), and there the response is reset and every other field set again.
 */
final class ResponseHeaders {
    private ResponseHeaders() {
    }

    /** Removes every field named in {@code names} (case-insensitive); the rest, and the status, stay. */
    static void remove(HttpServletResponse response, String... names) {
        boolean left = false;
        for (String name : names) {
            response.setHeader(name, null);
            left |= response.containsHeader(name);
        }
        if (!left) {
            return;
        }
        Set<String> removed = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        removed.addAll(List.of(names));
        // Tomcat names a field once per value: each name once, with all its values.
        Set<String> keptNames = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        List<String[]> kept = new ArrayList<>();
        for (String name : new ArrayList<>(response.getHeaderNames())) {
            if (!removed.contains(name) && keptNames.add(name)) {
                for (String value : new ArrayList<>(response.getHeaders(name))) {
                    kept.add(new String[] {name, value});
                }
            }
        }
        int status = response.getStatus();
        // Clears the buffer, the status, every field and the charset; the fields kept go back. A
        // wrapper's reset() may put some back itself (the chain's own): each name's first value
        // replaces what is there, the others are added.
        response.reset();
        response.setStatus(status);
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String[] field : kept) {
            if (set.add(field[0])) {
                response.setHeader(field[0], field[1]);
            } else {
                response.addHeader(field[0], field[1]);
            }
        }
    }
}
