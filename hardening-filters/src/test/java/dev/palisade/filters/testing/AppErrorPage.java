package dev.palisade.filters.testing;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application's own error page, as a {@code web.xml} {@code <error-page>} names one: start the
 * container with {@link Container#startWithErrorPage} and {@link #LOCATION}. It counts its calls,
 * and its text is easy to find in whatever reached the client.
 */
public final class AppErrorPage {
    public static final String LOCATION = "/app-error";
    public static final String TEXT = "APP-ERROR-PAGE";

    private final AtomicInteger calls = new AtomicInteger();

    /** Maps the page's servlet at {@link #LOCATION}. */
    public void register(ServletContext ctx) {
        ctx.addServlet("appErrorPage", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                calls.incrementAndGet();
                resp.getWriter().write(TEXT);
            }
        }).addMapping(LOCATION);
    }

    /** How many times a container rendered the page. */
    public int calls() {
        return calls.get();
    }
}
