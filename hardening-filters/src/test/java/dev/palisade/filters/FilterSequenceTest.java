package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FilterSequenceTest {

    /** Records its name on the way in and out; wraps the request so later members and the servlet see its mark. */
    private static final class Marking implements Filter {
        private final String mark;
        private final List<String> events;

        Marking(String mark, List<String> events) {
            this.mark = mark;
            this.events = events;
        }

        @Override
        public void init(FilterConfig config) {
            events.add("init " + config.getFilterName());
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            events.add("in " + mark);
            String before = String.valueOf(request.getAttribute("marks"));
            HttpServletRequest wrapped = new HttpServletRequestWrapper((HttpServletRequest) request) {
                @Override
                public Object getAttribute(String name) {
                    return "marks".equals(name) ? before.replace("null", "") + mark : super.getAttribute(name);
                }
            };
            chain.doFilter(wrapped, response);
            events.add("out " + mark);
        }

        @Override
        public void destroy() {
            events.add("destroy " + mark);
        }
    }

    private static void echoMarks(ServletContext ctx) {
        ctx.addServlet("echo", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("marks=" + req.getAttribute("marks"));
            }
        }).addMapping("/*");
    }

    private static void register(ServletContext ctx, FilterSequence sequence) {
        var registration = ctx.addFilter("sequence", sequence);
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void runsMembersInOrderPassingEachOnesWrappersToTheNext(Container container) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        FilterSequence sequence = new FilterSequence(List.of("first", "second", "third"),
                List.of(new Marking("a", events), new Marking("b", events), new Marking("c", events)));
        try (RunningServer server = container.start(ctx -> {
            register(ctx, sequence);
            echoMarks(ctx);
        })) {
            RawHttp.Response response = RawHttp.exchange(server.port(),
                    "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("marks=abc");
            assertThat(events).containsSubsequence("init first", "init second", "init third")
                    .containsSubsequence("in a", "in b", "in c", "out c", "out b", "out a");
        }
        assertThat(events).containsSubsequence("destroy c", "destroy b", "destroy a");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aMemberThatAnswersStopsTheRest(Container container) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Filter answering = (request, response, chain) -> {
            events.add("answered");
            ((HttpServletResponse) response).setStatus(204);
        };
        FilterSequence sequence = new FilterSequence(List.of("answering", "never"),
                List.of(answering, new Marking("never", events)));
        try (RunningServer server = container.start(ctx -> {
            register(ctx, sequence);
            echoMarks(ctx);
        })) {
            RawHttp.Response response = RawHttp.exchange(server.port(),
                    "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response.status()).isEqualTo(204);
            assertThat(events).containsExactly("init never", "answered");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aMemberFailingInitFailsTheContextAndDestroysTheMembersAlreadyStarted(Container container) {
        List<String> events = new CopyOnWriteArrayList<>();
        Filter failing = new Filter() {
            @Override
            public void init(FilterConfig config) throws ServletException {
                throw new ServletException(config.getFilterName() + ": bad setting");
            }

            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) {
                events.add("must not run");
            }
        };
        FilterSequence sequence = new FilterSequence(List.of("good", "bad"), List.of(new Marking("good", events), failing));
        assertThatThrownBy(() -> container.start(ctx -> {
            register(ctx, sequence);
            echoMarks(ctx);
        }).close()).isInstanceOf(Container.ContextFailedException.class);
        assertThat(events).containsSubsequence("init good", "destroy good").doesNotContain("must not run");
    }
}
