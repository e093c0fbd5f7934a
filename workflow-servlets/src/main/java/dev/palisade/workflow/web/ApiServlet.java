package dev.palisade.workflow.web;

import dev.palisade.filters.ApiKeyPrincipal;
import dev.palisade.filters.ProblemResponse;
import dev.palisade.filters.RejectionLog;
import dev.palisade.workflow.engine.StateConflictException;
import dev.palisade.workflow.engine.UnknownResourceException;
import dev.palisade.workflow.store.StoreUnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the API servlets: routes by method and path, checks the caller, and turns the workflow's
 * refusals into problem bodies.
 *
 * <p>Order of checks: no principal → 401 (before routing, so unknown paths reveal nothing to callers
 * without a key), unknown path → 404, wrong method → 405 with {@code Allow}, missing role → 403. The
 * authentication filter in front already enforces keys and roles; the servlet checks again so a
 * forgotten access rule cannot open a route (defence in depth). Problem bodies come from
 * {@link ProblemResponse}. A store that cannot serve now ({@link StoreUnavailableException}: a lock or
 * connection wait ran out, the database is unreachable) is a 503 with {@code Retry-After}; other unexpected
 * exceptions propagate to the chain's {@code SafeErrorFilter}, which answers 500 and logs once.
 */
abstract class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

    private final transient Router router = new Router();
    /** 503s as counted WARNs: during an outage every request gets one, and the log must not grow with them. */
    private final transient RejectionLog unavailable = new RejectionLog(LOG,
            "API requests with 503 because the store could not serve (database unreachable, or a lock or pool wait"
                    + " ran out)");
    private final transient boolean requiresKey;
    protected final transient Json json;

    protected ApiServlet(Json json, boolean requiresKey) {
        this.json = json;
        this.requiresKey = requiresKey;
    }

    protected final Router routes() {
        return router;
    }

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The tail of an outage's 503s is logged with the first request a minute on, as the filters do.
        unavailable.flushIfDue();
        ApiKeyPrincipal principal = ApiKeyPrincipal.of(request).orElse(null);
        if (requiresKey && principal == null) {
            ProblemResponse.of(401).withHeader("WWW-Authenticate", "Bearer realm=\"palisade\"").send(request, response);
            return;
        }
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        Router.Match match = router.match(request.getMethod(), path);
        if (match.route() == null) {
            if (match.allowed().isEmpty()) {
                ProblemResponse.of(404).send(request, response);
            } else {
                ProblemResponse.of(405).withHeader("Allow", String.join(", ", match.allowed())).send(request, response);
            }
            return;
        }
        Set<String> roles = match.route().roles();
        if (!roles.isEmpty() && (principal == null || !principal.hasAnyRole(roles))) {
            ProblemResponse.of(403).send(request, response);
            return;
        }
        try {
            match.route().handler().handle(new Call(request, response, principal, match.ids()));
        } catch (ApiProblem problem) {
            ProblemResponse answer = ProblemResponse.of(problem.status()).withDetail(problem.detail());
            for (Map.Entry<String, String> header : problem.headers().entrySet()) {
                answer = answer.withHeader(header.getKey(), header.getValue());
            }
            answer.send(request, response);
        } catch (UnknownResourceException unknown) {
            ProblemResponse.of(404).withDetail(unknown.getMessage()).send(request, response);
        } catch (StateConflictException conflict) {
            ProblemResponse.of(409).withDetail(conflict.getMessage()).send(request, response);
        } catch (StoreUnavailableException busy) {
            // Not a defect: the database could not serve now and nothing was written. Counted, no stack, and
            // the servlet path only (a snapshot's path carries its capability id).
            unavailable.record();
            LOG.debug("{} {}: answered 503, the store is unavailable: {}", request.getMethod(), request.getServletPath(),
                    busy.getMessage());
            long seconds = Math.max(1, busy.retryAfter().toSeconds());
            ProblemResponse.of(503).withHeader("Retry-After", Long.toString(seconds)).send(request, response);
        }
    }

    @Override
    public void destroy() {
        unavailable.flush();
        super.destroy();
    }
}
