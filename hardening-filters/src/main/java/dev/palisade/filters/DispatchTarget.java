package dev.palisade.filters;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The path an application's forward, include or async dispatch goes to, for the path rules that
 * govern it. A forward's and an async dispatch's request reports the target's paths; an include's
 * keeps the including request's, and names the target in its {@code jakarta.servlet.include.*}
 * attributes.
 *
 * @param mapped the target's servlet path + path info, decoded and normalised by the container;
 *               {@code null} for an include by a named dispatcher, which names no path
 * @param uri    the target's raw URI, context path included; {@code null} when not known
 */
record DispatchTarget(String mapped, String uri) {

    static DispatchTarget of(HttpServletRequest request) {
        if (request.getDispatcherType() != DispatcherType.INCLUDE) {
            return new DispatchTarget(RequestPaths.mapped(request), request.getRequestURI());
        }
        Object servletPath = request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH);
        Object pathInfo = request.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO);
        String mapped = (servletPath == null ? "" : servletPath.toString()) + (pathInfo == null ? "" : pathInfo.toString());
        Object uri = request.getAttribute(RequestDispatcher.INCLUDE_REQUEST_URI);
        return new DispatchTarget(mapped.isEmpty() ? null : mapped, uri instanceof String raw ? raw : null);
    }
}
