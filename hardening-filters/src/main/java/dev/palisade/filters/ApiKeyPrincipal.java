package dev.palisade.filters;

import jakarta.servlet.http.HttpServletRequest;
import java.io.Serializable;
import java.security.Principal;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who a request was authenticated as by {@link ApiKeyAuthFilter}: the key's team and roles. It
 * never holds the token, so it is safe to log, to put in an error report, or to pass to code
 * that should not see secrets.
 *
 * <p>{@link #getName()} is the team: downstream code scopes every read and write to it. Read it
 * with {@link #of(HttpServletRequest)}, or through the standard {@code getUserPrincipal()},
 * {@code getRemoteUser()} and {@code isUserInRole()} of the request the filter passes on.
 *
 * @param team  the team the key belongs to, {@code [A-Za-z0-9._-]{1,64}}
 * @param roles the key's roles, at least one, sorted
 */
public record ApiKeyPrincipal(String team, Set<String> roles) implements Principal, Serializable {
    /** Request attribute under which the filter stores the principal of an authenticated request. */
    public static final String ATTRIBUTE = "dev.palisade.apiKeyPrincipal";

    /**
     * @throws IllegalArgumentException when the team is not {@code [A-Za-z0-9._-]{1,64}} (downstream
     *         code scopes data by it and logs it) or there is no role
     */
    public ApiKeyPrincipal {
        if (team == null || !ApiKeys.TEAM.matcher(team).matches()) {
            throw new IllegalArgumentException("An API-key principal needs a team of 1-64 letters, digits, '.', '_' or '-'");
        }
        if (roles == null || roles.isEmpty() || roles.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("An API-key principal needs at least one role, none of them null");
        }
        SortedSet<String> sorted = new TreeSet<>(roles);
        roles = Collections.unmodifiableSortedSet(sorted);
    }

    /** The principal {@link ApiKeyAuthFilter} attached to {@code request}, if it authenticated one. */
    public static Optional<ApiKeyPrincipal> of(HttpServletRequest request) {
        Object attribute = request.getAttribute(ATTRIBUTE);
        if (attribute instanceof ApiKeyPrincipal principal) {
            return Optional.of(principal);
        }
        if (request.getUserPrincipal() instanceof ApiKeyPrincipal principal) {
            return Optional.of(principal);
        }
        return Optional.empty();
    }

    /** The team: the name the servlet API reports as the remote user. */
    @Override
    public String getName() {
        return team;
    }

    /** Whether the key has {@code role}; never for {@code null} (an unset name grants nothing). */
    public boolean hasRole(String role) {
        // The role set may be sorted, and a sorted set throws on contains(null).
        return role != null && roles.contains(role);
    }

    /** Whether the key has at least one of {@code anyOf} (a {@code null} among them grants nothing). */
    public boolean hasAnyRole(Set<String> anyOf) {
        for (String role : anyOf) {
            if (hasRole(role)) {
                return true;
            }
        }
        return false;
    }
}
