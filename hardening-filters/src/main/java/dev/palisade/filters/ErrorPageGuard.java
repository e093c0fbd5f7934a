package dev.palisade.filters;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
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
 * answered when the forward returns (Tomcat finishes its response then, before
 * {@link SafeErrorFilter} could write: the client got an empty 404). {@link SafeErrorFilter} does
 * all this itself on the {@code INCLUDE} and {@code FORWARD} dispatches it is mapped for;
 * {@link Hardening} registers this filter for them, by URL pattern and by servlet name (a named
 * dispatcher's dispatch matches no URL pattern), so the chain's members never see an include or a
 * forward.
 */
final class ErrorPageGuard implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorPageGuard.class);
    /** Holds the request id of a request aborted after its response was committed. */
    private static final String ABORTED = ErrorPageGuard.class.getName() + ".aborted";

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
        ErrorCapturingResponse capturing = type == DispatcherType.INCLUDE || type == DispatcherType.FORWARD
                ? ErrorCapturingResponse.in(response) : null;
        if (capturing == null) {
            chain.doFilter(request, response);
            return;
        }
        // The chain's response must know: an included servlet's sendError is ignored (within an
        // include, a forward's too: it writes into the including page), and a forwarded one's is
        // answered when the outermost forward returns.
        DispatcherType interrupted = ErrorCapturingResponse.currentDispatch();
        ErrorCapturingResponse.dispatching(interrupted == DispatcherType.INCLUDE ? DispatcherType.INCLUDE : type);
        try {
            chain.doFilter(request, response);
        } finally {
            ErrorCapturingResponse.dispatching(interrupted);
        }
        if (type == DispatcherType.FORWARD && interrupted == null) {
            // Now, before the container closes the response (Tomcat finishes its own when the
            // forward returns, and SafeErrorFilter's run could no longer write). A forward that
            // threw is left to SafeErrorFilter, which answers the failure.
            capturing.forwardReturned();
        }
    }
}
