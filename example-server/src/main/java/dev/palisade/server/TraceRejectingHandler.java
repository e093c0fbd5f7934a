package dev.palisade.server;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers {@code TRACE} (and the old {@code TRACK}) with 405 for every path, before any servlet:
 * {@code HttpServlet.doTrace} would echo the request headers, {@code Authorization} included, back
 * to whoever can make a browser send them (cross-site tracing). The 405 body is the server's
 * problem+json error page.
 */
final class TraceRejectingHandler extends Handler.Wrapper {

    TraceRejectingHandler(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String method = request.getMethod();
        if ("TRACE".equals(method) || "TRACK".equals(method)) {
            Response.writeError(request, response, callback, 405);
            return true;
        }
        return super.handle(request, response, callback);
    }
}
