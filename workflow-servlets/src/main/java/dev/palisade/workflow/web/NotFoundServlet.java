package dev.palisade.workflow.web;

/**
 * Catches {@code /api} paths no other servlet maps: 401 without a key, else 404, both as problem
 * bodies — the same answer a dev-only path gives when it is not mounted.
 */
public final class NotFoundServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    public NotFoundServlet(Json json) {
        super(json, true);
    }
}
