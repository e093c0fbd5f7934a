package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An async cycle that redirects and then fails in its task, or never completes: the redirect is the
 * answer. Tomcat holds a redirect until the request ends while reporting it committed; a failure
 * handed to it replaced the redirect with its HTML 500 page, the task's stack in it (and after a
 * timeout, the page without the stack). Jetty sends the redirect at once, and held the connection
 * until the async timeout.
 */
class AsyncRedirectTest {
    private static final String SECRET = "task-secret-7f3a";

    @ParameterizedTest
    @EnumSource(Container.class)
    void theRedirectStandsWhenTheTaskFailsOrTheCycleTimesOut(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(SafeErrorFilter.class); RunningServer server = container.start(ctx -> {
            Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
            ServletRegistration.Dynamic reg = ctx.addServlet("moved", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                    // "plain": the no-argument form, whose context hands out the container's own response.
                    AsyncContext async = req.getParameter("plain") != null ? req.startAsync() : req.startAsync(req, resp);
                    async.setTimeout(1_000);
                    HttpServletResponse target = (HttpServletResponse) async.getResponse();
                    String status = req.getParameter("status");
                    boolean idle = req.getParameter("idle") != null;
                    async.start(() -> {
                        try {
                            if (req.getParameter("choices") != null) {
                                // A 300 whose body (the choices) is under way: no redirect, cut short as any.
                                target.setStatus(300);
                                target.getWriter().write("partial choices");
                                target.flushBuffer();
                            } else if (req.getParameter("moved-with-body") != null) {
                                // A 303 made by hand, with a Location and a body under way: cut short too.
                                target.setStatus(303);
                                target.setHeader("Location", "/elsewhere");
                                if (req.getParameter("typed") != null) {
                                    // What the guess on the container's own response goes by.
                                    target.setContentType("text/plain");
                                }
                                target.getWriter().write("partial moved");
                                target.flushBuffer();
                            } else if (req.getParameter("typed-first") != null) {
                                // A content type set before (an API filter's default, say): Tomcat keeps it.
                                target.setContentType("application/json");
                                target.sendRedirect("/elsewhere");
                            } else if (status != null) {
                                target.sendRedirect("/elsewhere", Integer.parseInt(status));
                            } else {
                                target.sendRedirect("/elsewhere");
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        if (!idle) {
                            throw new IllegalStateException(SECRET);
                        }
                    });
                }
            });
            reg.setAsyncSupported(true);
            reg.addMapping("/moved");
        })) {
            List<String> targets = new ArrayList<>(List.of("/moved", "/moved?plain=1", "/moved?idle=1",
                    "/moved?plain=1&idle=1", "/moved?plain=1&idle=1&typed-first=1"));
            if (container.servlet61()) {
                targets.add("/moved?status=303");
            }
            for (String target : targets) {
                RawHttp.Response r = RawHttp.exchange(server.port(),
                        "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

                assertThat(r.status()).as(target).isEqualTo(target.contains("303") ? 303 : 302);
                assertThat(r.header("Location")).as(target).endsWith("/elsewhere");
                assertThat(r.body()).as(target).doesNotContain("Exception").doesNotContain(SECRET);
            }
            long failed = targets.stream().filter(t -> !t.contains("idle")).count();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(logs.lines()).filteredOn(line -> line.startsWith("ERROR Request ")
                        && line.contains(" failed in an asynchronous task after a redirect had completed its response"))
                        .hasSize((int) failed);
                assertThat(logs.lines()).filteredOn(line -> line.startsWith("ERROR Request ")
                        && line.contains(" timed out in asynchronous mode after a redirect had completed its response"))
                        .hasSize(3);
            });
            assertThat(logs.lines()).noneMatch(line -> line.contains("aborting the connection"));

            String received = RawHttp.receivedUntilClosed(server.port(),
                    "GET /moved?choices=1 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(received).startsWith("HTTP/1.1 300").contains("partial choices").doesNotEndWith("0\r\n\r\n");
            // Through the chain's wrapper it is known not to be sendRedirect's. (On the container's own
            // response, plain, it would be taken for a redirect: only a guess is possible there.)
            for (String target : List.of("/moved?moved-with-body=1", "/moved?moved-with-body=1&typed=1")) {
                received = RawHttp.receivedUntilClosed(server.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(received).as(target).startsWith("HTTP/1.1 303").contains("partial moved")
                        .doesNotEndWith("0\r\n\r\n");
            }
        }
    }
}
