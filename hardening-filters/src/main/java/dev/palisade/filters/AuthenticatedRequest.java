package dev.palisade.filters;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;

/**
 * The request as the application sees it after {@link ApiKeyAuthFilter} accepted a key: the
 * standard servlet security methods answer from the key's {@link ApiKeyPrincipal}, so code
 * written against {@code getUserPrincipal()} / {@code isUserInRole()} works unchanged.
 */
final class AuthenticatedRequest extends HttpServletRequestWrapper {
    static final String AUTH_TYPE = "Bearer";

    /** {@code null} after {@link #logout()}: the container's answers then stand. */
    private volatile ApiKeyPrincipal principal;

    AuthenticatedRequest(HttpServletRequest request, ApiKeyPrincipal principal) {
        super(request);
        this.principal = principal;
    }

    @Override
    public Principal getUserPrincipal() {
        ApiKeyPrincipal p = principal;
        return p != null ? p : super.getUserPrincipal();
    }

    @Override
    public String getRemoteUser() {
        ApiKeyPrincipal p = principal;
        return p != null ? p.team() : super.getRemoteUser();
    }

    @Override
    public String getAuthType() {
        return principal != null ? AUTH_TYPE : super.getAuthType();
    }

    @Override
    public boolean isUserInRole(String role) {
        ApiKeyPrincipal p = principal;
        if (p == null) {
            return super.isUserInRole(role);
        }
        // "**" is the servlet spec's "any authenticated user".
        return "**".equals(role) || p.hasRole(role);
    }

    /** Already authenticated by the key, as the specification's {@code true} means. */
    @Override
    public boolean authenticate(HttpServletResponse response) throws IOException, ServletException {
        return principal != null || super.authenticate(response);
    }

    /** The specification refuses a login while an identity is established. */
    @Override
    public void login(String username, String password) throws ServletException {
        if (principal != null) {
            throw new ServletException("The request is already authenticated by an API key");
        }
        super.login(username, password);
    }

    /**
     * Drops the key's identity, and its attribute (so that {@link ApiKeyPrincipal#of} and a later
     * async dispatch do not bring it back), then logs out of the container as well.
     */
    @Override
    public void logout() throws ServletException {
        principal = null;
        removeAttribute(ApiKeyPrincipal.ATTRIBUTE);
        super.logout();
    }
}
