package dev.palisade.filters.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;

/**
 * A filter outside every other (registered first, matched before the {@code isMatchAfter} ones)
 * that tells an async task when the request thread has returned through the whole chain: the
 * task awaits {@link #of(ServletRequest)} (bounded) to act only after that.
 */
public final class ReturnLatch {
    private static final String ATTRIBUTE = ReturnLatch.class.getName();

    private ReturnLatch() {
    }

    /** Registers the filter, for REQUEST dispatches; call before installing the chain under test. */
    public static void install(ServletContext ctx) {
        FilterRegistration.Dynamic outer = ctx.addFilter("return-latch", (Filter) (request, response, chain) -> {
            CountDownLatch returned = new CountDownLatch(1);
            request.setAttribute(ATTRIBUTE, returned);
            try {
                chain.doFilter(request, response);
            } finally {
                returned.countDown();
            }
        });
        outer.setAsyncSupported(true);
        outer.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }

    /** The latch the request thread counts down on its way out of the chain. */
    public static CountDownLatch of(ServletRequest request) {
        return (CountDownLatch) request.getAttribute(ATTRIBUTE);
    }
}
