package dev.palisade.workflow.web;

import jakarta.servlet.http.HttpServletRequest;

/** Query parameters, validated; a bad one is a 400 naming the parameter. */
final class Queries {
    private Queries() {
    }

    static int limit(HttpServletRequest request, int fallback, int max) {
        String raw = request.getParameter("limit");
        if (raw == null) {
            return fallback;
        }
        if (raw.isEmpty() || raw.length() > 4 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiProblem.badRequest("Parameter 'limit' must be a whole number from 1 to " + max + ".");
        }
        int value = Integer.parseInt(raw);
        if (value < 1 || value > max) {
            throw ApiProblem.badRequest("Parameter 'limit' must be a whole number from 1 to " + max + ".");
        }
        return value;
    }
}
