package dev.palisade.filters;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several filters registered with the container as one, run in order. Each member behaves exactly
 * as if registered on its own: it receives the request and response the previous member passed on,
 * may wrap them, answer and stop, or throw; after the last member the container's chain continues.
 *
 * <p>Why: the container's own per-filter machinery (a chain link, holder checks and an
 * interface call per filter) cost Jetty about 4% of a small GET's request-thread CPU for seven
 * do-nothing filters, as much as the members' own work; a single registration pays it once.
 * {@link Hardening} installs its chain this way.
 */
final class FilterSequence implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(FilterSequence.class);

    /** Set while the members run in a dispatch, when the sequence may be mapped twice. */
    static final String RUNNING = "dev.palisade.chainRunning";

    /** The members and their names; replaced only while stopped (see {@link #replaceWhileStopped}). */
    private volatile Members current;
    private final boolean mappedTwice;
    /** Destroyed and neither given new members nor started since: the context is stopped. Guarded by this. */
    private boolean stopped;

    FilterSequence(List<String> names, List<Filter> members) {
        this(names, members, false);
    }

    /**
     * {@code mappedTwice}: the registration has a descriptor's mapping besides {@link Hardening}'s
     * own, and Jetty (unlike Tomcat) would run it once for each in the same dispatch; the members
     * then run only at the first, at the cost of a request attribute per dispatch.
     */
    FilterSequence(List<String> names, List<Filter> members, boolean mappedTwice) {
        this.current = new Members(names, members);
        this.mappedTwice = mappedTwice;
    }

    /** Whether a descriptor's mapping places the sequence (see the constructor). */
    boolean mappedTwice() {
        return mappedTwice;
    }

    /**
     * Takes new members in place of destroyed ones, and reports whether it did: Jetty keeps a
     * programmatic registration across a context's stop and start and runs the initializers again,
     * where {@link Hardening#install} cannot register anew. Refused (false) unless the sequence was
     * destroyed since it last got members: a second install into a running context is a mistake.
     */
    synchronized boolean replaceWhileStopped(List<String> names, List<Filter> members) {
        if (!stopped) {
            return false;
        }
        current = new Members(names, members);
        stopped = false;
        return true;
    }

    synchronized boolean isStopped() {
        return stopped;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        synchronized (this) {
            // Started again, with or without new members: a later install meets a running sequence.
            stopped = false;
        }
        ServletContext context = filterConfig.getServletContext();
        Members run = current;
        for (int i = 0; i < run.filters.length; i++) {
            try {
                run.filters[i].init(new MemberConfig(run.names.get(i), context));
            } catch (ServletException | RuntimeException e) {
                destroyFirst(run, i);
                throw e;
            }
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Filter[] members = current.filters;
        if (!mappedTwice || !isMappedTwiceFor(request.getDispatcherType())) {
            new Cursor(members, chain).doFilter(request, response);
            return;
        }
        if (request.getAttribute(RUNNING) != null) {
            chain.doFilter(request, response);
            return;
        }
        request.setAttribute(RUNNING, Boolean.TRUE);
        try {
            new Cursor(members, chain).doFilter(request, response);
        } finally {
            request.removeAttribute(RUNNING);
        }
    }

    /**
     * The dispatches both mappings cover. A FORWARD or INCLUDE made from inside the run is a dispatch
     * of its own, which the members must see (the environment gate checks a forward's path).
     */
    private static boolean isMappedTwiceFor(DispatcherType type) {
        return type == DispatcherType.REQUEST || type == DispatcherType.ASYNC;
    }

    @Override
    public void destroy() {
        Members run = current;
        destroyFirst(run, run.filters.length);
        synchronized (this) {
            stopped = true;
        }
    }

    /** Destroys members {@code 0..count-1}, last first; one member failing does not spare the others. */
    private static void destroyFirst(Members run, int count) {
        for (int i = count - 1; i >= 0; i--) {
            try {
                run.filters[i].destroy();
            } catch (RuntimeException e) {
                LOG.error("{}: destroy failed", run.names.get(i), e);
            }
        }
    }

    List<String> names() {
        return current.names;
    }

    /** The current member of {@code type} (replaced on a restart), or {@code null}. */
    <T extends Filter> T member(Class<T> type) {
        for (Filter member : current.filters) {
            if (type.isInstance(member)) {
                return type.cast(member);
            }
        }
        return null;
    }

    /** The members in order, with the names their configurations report. */
    private static final class Members {
        final List<String> names;
        final Filter[] filters;

        Members(List<String> names, List<Filter> filters) {
            if (names.size() != filters.size() || filters.isEmpty()) {
                throw new IllegalArgumentException("one name per member, at least one member");
            }
            this.names = List.copyOf(names);
            this.filters = filters.toArray(new Filter[0]);
        }
    }

    /** The chain each member sees: the next member, then the container's chain. One per request. */
    private static final class Cursor implements FilterChain {
        private final Filter[] members;
        private final FilterChain rest;
        private int next;

        Cursor(Filter[] members, FilterChain rest) {
            this.members = members;
            this.rest = rest;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
            if (next < members.length) {
                Filter member = members[next++];
                member.doFilter(request, response, this);
            } else {
                rest.doFilter(request, response);
            }
        }
    }

    /** A member's view of its configuration: its own name, the context, and no init-params (it was built from a Config). */
    private record MemberConfig(String name, ServletContext context) implements FilterConfig {
        @Override
        public String getFilterName() {
            return name;
        }

        @Override
        public ServletContext getServletContext() {
            return context;
        }

        @Override
        public String getInitParameter(String parameter) {
            return null;
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            return Collections.emptyEnumeration();
        }
    }
}
