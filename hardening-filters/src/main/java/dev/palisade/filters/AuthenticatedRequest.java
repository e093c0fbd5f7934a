package dev.palisade.filters;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * The request as the application sees it after {@link ApiKeyAuthFilter} accepted a key: the
 * standard servlet security methods answer from the key's {@link ApiKeyPrincipal}, so code
 * written against {@code getUserPrincipal()} / {@code isUserInRole()} works unchanged.
 */
final class AuthenticatedRequest extends HttpServletRequestWrapper {
    static final String AUTH_TYPE = "Bearer";

    private final ApiKeyPrincipal principal;

    AuthenticatedRequest(HttpServletRequest request, ApiKeyPrincipal principal) {
        super(request);
        this.principal = principal;
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public String getRemoteUser() {
        return principal.team();
    }

    @Override
    public String getAuthType() {
        return AUTH_TYPE;
    }

    @Override
    public boolean isUserInRole(String role) {
        // "**" is the servlet spec's "any authenticated user".
        return "**".equals(role) || principal.hasRole(role);
    }
}
