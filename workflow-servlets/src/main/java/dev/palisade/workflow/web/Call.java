package dev.palisade.workflow.web;

import dev.palisade.filters.ApiKeyPrincipal;
import dev.palisade.workflow.domain.Team;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;

/**
 * One routed request: the servlet objects, who called (null on public routes) and the path's ids.
 */
record Call(HttpServletRequest request, HttpServletResponse response, ApiKeyPrincipal principal, List<String> ids) {

    Team team() {
        if (principal == null) {
            throw new IllegalStateException("A public route has no team");
        }
        return new Team(principal.team());
    }

    String id(int index) {
        return ids.get(index);
    }

    /** Who decided, for task records: the key's role and team, never a secret. */
    String actor() {
        return (principal.hasRole(Roles.MANAGER) ? Roles.MANAGER : String.join("+", principal.roles()))
                + "@" + principal.team();
    }
}
