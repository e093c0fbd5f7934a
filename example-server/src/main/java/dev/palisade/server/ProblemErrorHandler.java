package dev.palisade.server;

import dev.palisade.filters.ProblemResponse;
import dev.palisade.filters.Problems;
import dev.palisade.filters.RequestIds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error page for errors the container answers itself, before or outside the filter chain
 * (a malformed request line or header, headers too large, an ambiguous URI, a missing Host): the
 * same RFC 9457 problem+json body the filters write, with {@code X-Request-Id},
 * {@code Cache-Control: no-store} and the security fields. Never HTML, never Jetty's message, a cause or a stack.
 */
public final class ProblemErrorHandler extends ErrorHandler {

    public ProblemErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
        setShowMessageInTitle(false);
    }

    /** Every method gets the problem body (Jetty's default gives one to GET, POST and HEAD only). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        int status = code < 400 || code > 599 ? 500 : code;
        String requestId = requestId(request.getHeaders().get(RequestIds.HEADER));
        byte[] body = body(status, requestId);
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, ProblemResponse.CONTENT_TYPE);
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put(RequestIds.HEADER, requestId);
        putSecurityFields(headers);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * The fields {@code SecurityHeadersFilter} puts on every answer of the chain (HSTS aside: this
     * server sees plain HTTP behind its proxy), so that no answer of the server's goes without them.
     */
    private static void putSecurityFields(HttpFields.Mutable headers) {
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Content-Security-Policy", "frame-ancestors 'none'");
    }

    /** The body for a message so malformed that Jetty answers it without building a request. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        int code = status < 400 || status > 599 ? 400 : status;
        String requestId = requestId(null);
        fields.put(HttpHeader.CONTENT_TYPE, ProblemResponse.CONTENT_TYPE);
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
        fields.put(RequestIds.HEADER, requestId);
        putSecurityFields(fields);
        return ByteBuffer.wrap(body(code, requestId));
    }

    private static byte[] body(int status, String requestId) {
        return ProblemResponse.json(status, Problems.title(status), Problems.detail(status), requestId)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String requestId(String incoming) {
        return incoming != null && RequestIds.isValid(incoming) ? incoming : RequestIds.newId();
    }
}
