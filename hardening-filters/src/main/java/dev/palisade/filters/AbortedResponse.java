package dev.palisade.filters;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.PrintWriter;

/**
 * The response an application's {@code AsyncListener} gets once the kit broke the connection of a
 * committed response on Jetty: it refuses the output streams, as Tomcat's does then. Jetty holds
 * the abort until the request's thread returns, and a listener that wrote or closed the stream in
 * {@code onError} in the meantime ended the cut-short response cleanly, so that it looked whole.
 */
final class AbortedResponse extends HttpServletResponseWrapper {
    private AbortedResponse(HttpServletResponse response) {
        super(response);
    }

    /** {@code response} refusing output, if it is an HTTP response not already so. */
    static ServletResponse of(ServletResponse response) {
        return response instanceof HttpServletResponse http && !(response instanceof AbortedResponse)
                ? new AbortedResponse(http) : response;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        throw refused();
    }

    @Override
    public PrintWriter getWriter() {
        throw refused();
    }

    private static IllegalStateException refused() {
        return new IllegalStateException("The response was aborted after a failure; it takes no more output");
    }
}
