package dev.palisade.workflow.web;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A servlet's routes: {@code METHOD /path/{id}/more}. A {@code {…}} segment matches one id-shaped
 * segment ({@code [A-Za-z0-9_-]{1,64}}); anything else must match literally. A path no route has is
 * 404, a path some route has with another method is 405 with the allowed methods.
 */
final class Router {
    private static final Pattern ID_SEGMENT = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Handles one routed request. */
    @FunctionalInterface
    interface Handler {
        void handle(Call call) throws java.io.IOException;
    }

    record Route(String method, List<String> segments, Set<String> roles, Handler handler) {
        Route {
            segments = List.copyOf(segments);
            roles = Set.copyOf(roles);
        }

        /** The id values if {@code path} matches, else null. */
        List<String> match(List<String> path) {
            if (path.size() != segments.size()) {
                return null;
            }
            List<String> ids = new ArrayList<>(2);
            for (int i = 0; i < segments.size(); i++) {
                String pattern = segments.get(i);
                String actual = path.get(i);
                if (pattern.startsWith("{")) {
                    if (!ID_SEGMENT.matcher(actual).matches()) {
                        return null;
                    }
                    ids.add(actual);
                } else if (!pattern.equals(actual)) {
                    return null;
                }
            }
            return ids;
        }
    }

    /** What matching found: a route and its ids, or the methods the path allows (empty: unknown path). */
    record Match(Route route, List<String> ids, Set<String> allowed) {
    }

    private final List<Route> routes = new ArrayList<>();

    Router add(String method, String path, Set<String> roles, Handler handler) {
        routes.add(new Route(method, split(path), roles, handler));
        return this;
    }

    Match match(String method, String path) {
        List<String> segments = split(path);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            List<String> ids = route.match(segments);
            if (ids == null) {
                continue;
            }
            // HEAD is GET without the body (RFC 9110 9.3.2); the container sends no content for HEAD.
            if (route.method().equals(method) || "HEAD".equals(method) && "GET".equals(route.method())) {
                return new Match(route, ids, Set.of());
            }
            allowed.add(route.method());
            if ("GET".equals(route.method())) {
                allowed.add("HEAD");
            }
        }
        return new Match(null, List.of(), allowed);
    }

    /** Every path pattern, with {@code *} for the id segments, for registration and access rules. */
    List<Route> routes() {
        return List.copyOf(routes);
    }

    private static List<String> split(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            segments.add(segment);
        }
        // "/a/b" splits into "", "a", "b": the leading empty segment is kept so "/a/b/" (trailing "") differs.
        return segments;
    }
}
