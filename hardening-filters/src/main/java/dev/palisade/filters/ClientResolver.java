package dev.palisade.filters;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who a request counts against: turns a request into the key of its rate-limit bucket. A strategy
 * object, so deployments behind proxies, or keyed by API key, plug in their own without touching
 * the filter; {@link ClientResolvers} has the ready-made ones.
 *
 * <p>Implementations run on every limited request: no blocking I/O, no DNS, no regex. Returning
 * {@code null} means "no better identity": the filter then uses the peer address. An exception is
 * not caught: the request fails, and {@link SafeErrorFilter} answers it 500 and logs it, once per
 * request. A resolver that reads what the client sends (a header, a token) should therefore return
 * {@code null} for anything it cannot parse rather than throw, or any client could fill the log.
 */
@FunctionalInterface
public interface ClientResolver {
    String resolve(HttpServletRequest request);
}
