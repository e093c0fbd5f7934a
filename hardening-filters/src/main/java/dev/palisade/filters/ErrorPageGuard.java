package dev.palisade.filters;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an application's error page out of a response that failed after it was committed.
 *
 * <p>Tomcat answers an asynchronous timeout or error on a committed response by <em>including</em>
 * the error page the application configured for it: an {@code INCLUDE} dispatch whose output is
 * appended to the half-written body before Tomcat breaks the connection. {@link SafeErrorFilter}
 * marks a request it aborts that way; an {@code INCLUDE} dispatch of a marked request is not passed
 * on, so the connection breaks after the application's own bytes. Every other include passes
 * untouched.
 *
 * <p>It also tells the chain's response (an {@link ErrorCapturingResponse} under the dispatched one)
 * that an include or forward runs through it: an included servlet's {@code sendError} is ignored, as
 * the specification says (Tomcat ignores it only below the chain's wrapper, which had turned it into
 * a problem replacing the page), and a forwarded one's (or a bare error status without a body) is
 * answered when the forward returns, the innermost when forwards nest (Tomcat finishes its response
 * then, before {@link SafeErrorFilter} could write: the client got an empty 404). {@link SafeErrorFilter} does
 * all this itself on the {@code INCLUDE} and {@code FORWARD} dispatches it is mapped for;
 * {@link Hardening} registers this filter for them, by URL pattern and by servlet name (a named
 * dispatcher's dispatch matches no URL pattern), so the chain's members never see an include or a
 * forward.
 *
 * <p>And it keeps the chain's access rules and environment gate in force for forwards and includes,
 * which the chain does not run on, in the chain's order: a forward the rules of its target refuse
 * (see {@link ApiKeyAuthFilter#authorizeDispatch}) is answered 401 or 403, an include they refuse adds
 * nothing; in prod a forward to a dev-only path answers as a forward to an unknown path does (404,
 * the problem body), an include of one adds nothing to the page, as an include of an unknown path
 * would.
 */
final class ErrorPageGuard implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorPageGuard.class);
    /** Holds the request id of a request aborted after its response was committed. */
    private static final String ABORTED = ErrorPageGuard.class.getName() + ".aborted";

    /** The chain's sequence, asked for its access rules and environment gate on each forward and include; {@code null} for none. */
    private final FilterSequence sequence;

    ErrorPageGuard(FilterSequence sequence) {
        this.sequence = sequence;
    }

    /** Marks {@code request} as failed after commit: no later include may add to its response. */
    static void markAborted(ServletRequest request, String requestId) {
        request.setAttribute(ABORTED, requestId);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        DispatcherType type = request.getDispatcherType();
        if (type == DispatcherType.INCLUDE && request.getAttribute(ABORTED) instanceof String id) {
            LOG.debug("Request {} failed after its response was committed; not including {}", id,
                    LogSafe.escape(String.valueOf(request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH))));
            return;
        }
        if (type == DispatcherType.INCLUDE || type == DispatcherType.FORWARD) {
            ServletRequest authorized = authorized(request, response);
            if (authorized == null) {
                return;
            }
            request = authorized;
        }
        boolean hidden = isHidden(type, request);
        if (hidden && type == DispatcherType.INCLUDE) {
            // As an include of an unknown path: the included servlet's 404 is ignored, nothing is added.
            return;
        }
        ErrorCapturingResponse capturing = type == DispatcherType.INCLUDE || type == DispatcherType.FORWARD
                ? ErrorCapturingResponse.in(response) : null;
        if (capturing == null) {
            if (hidden) {
                // Not below the chain's response (a filter ahead of the chain forwarded): the kit's
                // own 404, never the container's error page.
                ProblemResponse.of(404).send((HttpServletRequest) request, (HttpServletResponse) response);
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        // The chain's response must know: an included servlet's sendError is ignored (within an
        // include, a forward's too: it writes into the including page), and a forwarded one's is
        // answered when the forward returns.
        DispatcherType interrupted = ErrorCapturingResponse.currentDispatch();
        ErrorCapturingResponse.dispatching(interrupted == DispatcherType.INCLUDE ? DispatcherType.INCLUDE : type);
        try {
            if (hidden) {
                // A forward to a dev-only path: what a forward to an unknown path gets.
                ((HttpServletResponse) response).sendError(HttpServletResponse.SC_NOT_FOUND);
            } else {
                chain.doFilter(request, response);
            }
        } finally {
            ErrorCapturingResponse.dispatching(interrupted);
        }
        if (type == DispatcherType.FORWARD && interrupted != DispatcherType.INCLUDE) {
            // Now, before the container closes the response (Tomcat finishes its own when any
            // forward returns, a forward made inside another included, and SafeErrorFilter's run
            // could no longer write). A forward that threw is left to SafeErrorFilter, which
            // answers the failure.
            capturing.forwardReturned();
        }
    }

    /** The request the chain's access rules let go on with, or {@code null} when they refused (and answered) it. */
    private ServletRequest authorized(ServletRequest request, ServletResponse response)
            throws IOException, ServletException {
        ApiKeyAuthFilter auth = sequence == null ? null : sequence.member(ApiKeyAuthFilter.class);
        if (auth == null || !(request instanceof HttpServletRequest http)
                || !(response instanceof HttpServletResponse httpResponse)) {
            return request;
        }
        return auth.authorizeDispatch(http, httpResponse);
    }

    private boolean isHidden(DispatcherType type, ServletRequest request) {
        if (sequence == null || (type != DispatcherType.INCLUDE && type != DispatcherType.FORWARD)
                || !(request instanceof HttpServletRequest http)) {
            return false;
        }
        EnvironmentGateFilter gate = sequence.member(EnvironmentGateFilter.class);
        return gate != null && gate.hidesDispatch(http);
    }
}
