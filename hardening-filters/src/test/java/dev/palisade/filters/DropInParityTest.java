package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import dev.palisade.filters.testing.ServletSetup;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Drop-in parity: the same servlet, on the bare container and behind the whole chain, gives the
 * application and the client the same result for ordinary, valid requests.
 */
class DropInParityTest {
    @TempDir
    Path tempDir;

    private static RawHttp.Response exchange(Container container, boolean chain, ServletSetup app, String request)
            throws Exception {
        try (RunningServer server = container.start(ctx -> {
            if (chain) {
                Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
            }
            app.register(ctx);
        }); RawHttp http = server.raw()) {
            return http.send(request).readResponse();
        }
    }

    /**
     * {@code ServletOutputStream.print(String)} is the container's: Jetty encodes the text in the
     * response's charset (the inherited method, under the access log's counting stream, wrote
     * {@code é} as the one byte 0xE9 and threw on {@code €}); Tomcat refuses what is past
     * ISO-8859-1, bare or not. The text that fits ISO-8859-1 prints on both.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void printsOnTheOutputStreamAsTheContainerDoes(Container container) throws Exception {
        ServletSetup app = ctx -> ctx.addServlet("print", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain;charset=UTF-8");
                ServletOutputStream out = resp.getOutputStream();
                out.print("h\u00e9llo ");
                try {
                    out.print("\u20ac");
                } catch (IOException e) {
                    out.print("[" + e.getClass().getSimpleName() + "]");
                }
                out.println(42);
            }
        }).addMapping("/print");
        Logged r = bareAndChained(container, app, "/print");

        assertThat(HexFormat.of().formatHex(r.chained().bodyBytes())).isEqualTo(HexFormat.of().formatHex(r.bare().bodyBytes()));
        assertThat(r.chained().body()).startsWith(container == Container.JETTY ? "h\u00e9llo \u20ac42" : "h");
        // The bytes the container's print wrote: UTF-8 on Jetty, one byte a character on Tomcat.
        assertThat(r.accessLog()).contains(" bytes=" + r.chained().bodyBytes().length + " ");
    }

    /**
     * A servlet streaming through {@code getWriter()} learns that the client left from
     * {@code checkError()}, as on the bare container (a {@code PrintWriter} never throws): the access
     * log's counting writer passes on the container writer's record of the failed write.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aWriterReportsTheClientsDepartureAsTheContainersDoes(Container container) throws Exception {
        for (boolean chain : new boolean[] {false, true}) {
            CompletableFuture<Boolean> noticed = new CompletableFuture<>();
            try (RunningServer server = container.start(ctx -> {
                if (chain) {
                    Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
                }
                ctx.addServlet("stream", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.setContentType("text/plain");
                        PrintWriter out = resp.getWriter();
                        String block = "x".repeat(8192);
                        boolean error = false;
                        for (int i = 0; i < 8192 && !error; i++) {
                            out.write(block);
                            out.flush();
                            error = out.checkError();
                        }
                        noticed.complete(error);
                    }
                }).addMapping("/stream");
            })) {
                RawHttp.readThenReset(server.port(), "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n", 1024);

                assertThat(noticed.get(20, TimeUnit.SECONDS)).as("%s, chain %s", container, chain).isTrue();
            }
        }
    }

    /** Both answers to a GET of {@code path}, bare and behind the chain, and the chain's access log. */
    private record Logged(RawHttp.Response bare, RawHttp.Response chained, String accessLog) {
    }

    private static Logged bareAndChained(Container container, ServletSetup app, String path) throws Exception {
        String request = "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        RawHttp.Response bare = exchange(container, false, app, request);
        try (LogCapture logs = LogCapture.of("dev.palisade.access")) {
            RawHttp.Response chained = exchange(container, true, app, request);
            return new Logged(bare, chained, logs.text());
        }
    }

    /**
     * The parameter map of a form the filter parsed (no length) hands out its own arrays, as the
     * containers' maps do: writing into one does not change what {@code getParameter} answers.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void writingIntoTheParameterMapsArraysDoesNotChangeTheParameters(Container container) throws Exception {
        ServletSetup app = ctx -> ctx.addServlet("form", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                req.getParameterMap().get("a")[0] = "changed";
                resp.getWriter().write("a=" + req.getParameter("a") + " values=" + req.getParameterValues("a")[0]);
            }
        }).addMapping("/form");
        String request = "POST /form HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na=1\r\n0\r\n\r\n";

        RawHttp.Response bare = exchange(container, false, app, request);
        RawHttp.Response chained = exchange(container, true, app, request);

        assertThat(bare.body()).isEqualTo("a=1 values=1");
        assertThat(chained.body()).isEqualTo(bare.body());
    }

    /**
     * {@code Part.write} moves a chunked upload's file out of the temporary directory; reading the
     * part afterwards reads the written file, as on Jetty (Tomcat's own part throws an
     * {@code IOException} there; ours failed with a {@code NullPointerException}, a 500 on both),
     * and writing it again moves it on.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aPartWrittenToDiskCanStillBeRead(Container container) throws Exception {
        String content = "x".repeat(40_000);
        String multipart = "--BB\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + content + "\r\n--BB--\r\n";
        ServletSetup app = ctx -> {
            var upload = ctx.addServlet("upload", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, ServletException {
                    Part part = req.getPart("f");
                    Path first = Files.createTempDirectory(tempDir, "w").resolve("upload.txt");
                    part.write(first.toString());
                    String after = "written=" + Files.size(first) + " then ";
                    try (InputStream in = part.getInputStream()) {
                        after += "read " + in.readAllBytes().length;
                    } catch (IOException e) {
                        after += "IOException";
                    }
                    try {
                        Path second = first.resolveSibling("again.txt");
                        part.write(second.toString());
                        after += " again " + Files.size(second) + " first " + Files.exists(first);
                        try (InputStream in = part.getInputStream()) {
                            after += " read " + in.readAllBytes().length;
                        }
                    } catch (IOException | RuntimeException e) {
                        after += " again " + e.getClass().getSimpleName();
                    }
                    resp.getWriter().write(after);
                }
            });
            upload.setMultipartConfig(new MultipartConfigElement(tempDir.toString()));
            upload.addMapping("/upload");
        };
        String request = "POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: multipart/form-data; boundary=BB\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(multipart.length()) + "\r\n" + multipart + "\r\n0\r\n\r\n";

        RawHttp.Response bare = exchange(container, false, app, request);
        RawHttp.Response chained = exchange(container, true, app, request);

        assertThat(bare.body()).isEqualTo(container == Container.JETTY
                ? "written=40000 then read 40000 again 40000 first false read 40000"
                : "written=40000 then IOException again IOException");
        assertThat(chained.body()).isEqualTo("written=40000 then read 40000 again 40000 first false read 40000");
    }

    /**
     * {@code logout()} behind {@code ApiKeyAuthFilter} ends the key's identity, as the
     * specification says (the principal, the team as remote user and the roles stayed), and the
     * container's own logout still runs (Jetty without a security handler refuses it, bare or
     * not); {@code authenticate} is {@code true} while the key's identity stands and
     * {@code login} is refused then.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void logoutEndsTheKeysIdentity(Container container) throws Exception {
        String token = "mgr-Token_0123456789abcdef";
        ServletSetup app = ctx -> ctx.addServlet("who", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                StringBuilder r = new StringBuilder("user=" + req.getRemoteUser() + " role=" + req.isUserInRole("manager"));
                try {
                    r.append(" authenticate=").append(req.authenticate(resp));
                } catch (ServletException e) {
                    r.append(" authenticate=refused");
                }
                try {
                    req.login("u", "p");
                    r.append(" login=ok");
                } catch (ServletException e) {
                    r.append(" login=refused");
                }
                try {
                    req.logout();
                    r.append(" logout=ok");
                } catch (ServletException e) {
                    r.append(" logout=refused");
                }
                r.append(" after: user=").append(req.getRemoteUser()).append(" type=").append(req.getAuthType())
                        .append(" principal=").append(req.getUserPrincipal()).append(" role=")
                        .append(req.isUserInRole("manager")).append(" of=").append(ApiKeyPrincipal.of(req).isPresent());
                resp.getWriter().write(r.toString());
            }
        }).addMapping("/api/who");
        String request = "GET /api/who HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n";
        RawHttp.Response r;
        try (RunningServer server = container.start(ctx -> {
            Hardening.install(ctx, Hardening.builder().rateLimit(null)
                    .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(token, "team-a", "manager").build()).build());
            app.register(ctx);
        }); RawHttp http = server.raw()) {
            r = http.send(request).readResponse();
        }

        // Jetty without a security handler refuses logout() as it does bare; the identity is gone either way.
        assertThat(r.body()).isEqualTo("user=team-a role=true authenticate=true login=refused logout="
                + (container == Container.JETTY ? "refused" : "ok")
                + " after: user=null type=null principal=null role=false of=false");
    }

    /**
     * On Tomcat with a realm and an authenticator, {@code login} works on a bare request and is
     * refused behind {@code ApiKeyAuthFilter} once a key has established the caller, as the
     * specification says; after {@code logout} it works again.
     */
    @org.junit.jupiter.api.Test
    void loginIsRefusedWhileAKeyIdentifiesTheCaller() throws Exception {
        String token = "mgr-Token_0123456789abcdef";
        ServletSetup app = ctx -> ctx.addServlet("login", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                StringBuilder r = new StringBuilder();
                for (int attempt = 0; attempt < 2; attempt++) {
                    try {
                        req.login("u", "p");
                        r.append("login=").append(req.getRemoteUser()).append(' ');
                        req.logout();
                    } catch (ServletException e) {
                        r.append("refused ");
                        req.logout();
                    }
                }
                resp.getWriter().write(r.toString().trim());
            }
        }).addMapping("/api/login");
        String request = "GET /api/login HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n";
        String[] answers = new String[2];
        for (int chain = 0; chain < 2; chain++) {
            boolean withKeys = chain == 1;
            try (RunningServer server = Container.startTomcat(ctx -> {
                if (withKeys) {
                    Hardening.install(ctx, Hardening.builder().rateLimit(null)
                            .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(token, "team-a", "manager").build()).build());
                }
                app.register(ctx);
            }, context -> {
                context.setRealm(new org.apache.catalina.realm.RealmBase() {
                    @Override
                    protected String getPassword(String username) {
                        return "u".equals(username) ? "p" : null;
                    }

                    @Override
                    protected java.security.Principal getPrincipal(String username) {
                        return new org.apache.catalina.realm.GenericPrincipal(username, java.util.List.of());
                    }
                });
                context.getPipeline().addValve(new org.apache.catalina.authenticator.BasicAuthenticator());
            }); RawHttp http = server.raw()) {
                answers[chain] = http.send(request).readResponse().body();
            }
        }

        assertThat(answers[0]).isEqualTo("login=u login=u");
        assertThat(answers[1]).isEqualTo("refused login=u");
    }

    /**
     * {@code /fwd} forwards and {@code /inc} includes {@code /target} (or, {@code /inc?of=/fwd}, the
     * forward), which writes and then calls {@code sendError}; {@code /named} does either through a
     * named dispatcher.
     */
    private static final ServletSetup DISPATCHING_APP = ctx -> {
        ctx.addServlet("target", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String mode = String.valueOf(req.getParameter("mode"));
                if (mode.equals("write")) {
                    resp.getWriter().write("[one]");
                    return;
                }
                if (mode.equals("status")) {
                    resp.setStatus(500);
                    return;
                }
                if (mode.equals("throw")) {
                    resp.sendError(404);
                    throw new IllegalStateException("failed after sendError");
                }
                resp.getWriter().write("[target]");
                resp.sendError(Integer.parseInt(req.getParameter("error")));
                resp.getWriter().write("[after sendError]");
            }
        }).addMapping("/target");
        ctx.addServlet("named", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                // As Spring's DefaultServletHttpRequestHandler forwards to the container's "default".
                var target = req.getServletContext().getNamedDispatcher("target");
                if (req.getParameter("include") == null) {
                    target.forward(req, resp);
                    return;
                }
                resp.setContentType("text/plain");
                resp.getWriter().write("before ");
                target.include(req, resp);
                resp.getWriter().write(" after status=" + resp.getStatus());
            }
        }).addMapping("/named");
        ctx.addServlet("fwd", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                String status = req.getParameter("status");
                String mode = req.getParameter("mode");
                req.getRequestDispatcher("/target?error=" + (status == null ? "404" : status)
                        + (mode == null ? "" : "&mode=" + mode)).forward(req, resp);
                if (req.getParameter("thenFail") != null) {
                    throw new IllegalStateException("failed after the forward");
                }
            }
        }).addMapping("/fwd");
        ctx.addServlet("inc", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                resp.setContentType("text/plain");
                resp.getWriter().write("before ");
                String included = req.getParameter("of");
                req.getRequestDispatcher(included == null ? "/target?error=500" : included).include(req, resp);
                resp.getWriter().write(" after status=" + resp.getStatus());
            }
        }).addMapping("/inc");
        ctx.addServlet("fwdfwd", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                req.getRequestDispatcher("/fwd").forward(req, resp);
            }
        }).addMapping("/fwdfwd");
        ServletRegistration.Dynamic asyncFwd = ctx.addServlet("asyncfwd", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                if (req.getDispatcherType() == jakarta.servlet.DispatcherType.ASYNC) {
                    req.getRequestDispatcher("/fwd").forward(req, resp);
                    return;
                }
                req.startAsync().dispatch();
            }
        });
        asyncFwd.setAsyncSupported(true);
        asyncFwd.addMapping("/asyncfwd");
    };

    /** The chain, or SafeErrorFilter alone mapped as docs/filters.md says. */
    private static RawHttp.Response dispatched(Container container, boolean alone, String path) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            if (alone) {
                jakarta.servlet.FilterRegistration.Dynamic errors = ctx.addFilter("safeErrors", new SafeErrorFilter());
                errors.setAsyncSupported(true);
                errors.addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST,
                        jakarta.servlet.DispatcherType.ASYNC, jakarta.servlet.DispatcherType.INCLUDE,
                        jakarta.servlet.DispatcherType.FORWARD), false, "/*");
                errors.addMappingForServletNames(java.util.EnumSet.of(jakarta.servlet.DispatcherType.INCLUDE,
                        jakarta.servlet.DispatcherType.FORWARD), false, "*");
            } else {
                Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
            }
            DISPATCHING_APP.register(ctx);
        }); RawHttp http = server.raw()) {
            return http.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readResponse();
        }
    }

    /**
     * A forwarded servlet's {@code sendError} becomes the problem, as the request's own does: on
     * Tomcat the client got an empty 404 (Tomcat finishes its response when the forward returns,
     * before the filter could write). Bare, each container writes its own page.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aForwardedServletsSendErrorIsAnsweredWithTheProblem(Container container) throws Exception {
        assertThat(exchange(container, false, DISPATCHING_APP, "GET /fwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .status()).isEqualTo(404);
        for (boolean alone : new boolean[] {false, true}) {
            RawHttp.Response r = dispatched(container, alone, "/fwd");

            assertThat(r.status()).as("alone=%s", alone).isEqualTo(404);
            assertThat(r.header("Content-Type")).as("alone=%s", alone).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(r.body()).as("alone=%s", alone).contains("\"status\":404").doesNotContain("[target]")
                    .doesNotContain("[after sendError]");
            assertThat(r.headers().stream().filter(h -> h[0].equalsIgnoreCase(RequestIds.HEADER)))
                    .as("alone=%s", alone).hasSize(1);
        }
        try (LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            RawHttp.Response r = dispatched(container, false, "/fwd?status=503");

            assertThat(r.status()).isEqualTo(503);
            // Answered once, in the forward: logged once.
            assertThat(logs.lines()).filteredOn(line -> line.contains("answered 503")).hasSize(1);
        }
    }

    /**
     * A forward made inside another forward, or from an async dispatch, answers its servlet's
     * {@code sendError} with the problem too: on Tomcat the client got a 404 without a body (Tomcat
     * closes the response when the inner forward returns, and the chain answered only when the
     * outermost did).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aNestedOrAsyncDispatchedForwardsSendErrorIsAnsweredWithTheProblem(Container container) throws Exception {
        for (boolean alone : new boolean[] {false, true}) {
            for (String path : new String[] {"/fwdfwd", "/asyncfwd"}) {
                RawHttp.Response r = dispatched(container, alone, path);

                assertThat(r.status()).as("%s alone=%s", path, alone).isEqualTo(404);
                assertThat(r.header("Content-Type")).as("%s alone=%s", path, alone).startsWith(ProblemResponse.CONTENT_TYPE);
                assertThat(r.body()).as("%s alone=%s", path, alone).contains("\"status\":404").doesNotContain("[target]");
            }
        }
    }

    /**
     * An included servlet's {@code sendError} is ignored, as the specification says and both
     * containers do bare: on Tomcat the chain turned it into a 500 problem that replaced the page.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anIncludedServletsSendErrorIsIgnored(Container container) throws Exception {
        RawHttp.Response bare = exchange(container, false, DISPATCHING_APP,
                "GET /inc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(bare.status()).isEqualTo(200);
        assertThat(bare.body()).isEqualTo("before [target][after sendError] after status=200");
        for (boolean alone : new boolean[] {false, true}) {
            RawHttp.Response r = dispatched(container, alone, "/inc");

            assertThat(r.status()).as("alone=%s", alone).isEqualTo(200);
            assertThat(r.body()).as("alone=%s", alone).isEqualTo(bare.body());
        }
    }

    /**
     * A named dispatcher's forward and include match no URL pattern: the guard is mapped by servlet
     * name too, so they are answered as the URL ones (on Tomcat the forward's client got an empty
     * 404 and the include's {@code sendError} replaced the page).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aNamedDispatchersForwardAndIncludeAreAnsweredAsTheUrlOnes(Container container) throws Exception {
        String included = exchange(container, false, DISPATCHING_APP,
                "GET /named?include=1&error=500 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").body();
        assertThat(included).isEqualTo("before [target][after sendError] after status=200");
        for (boolean alone : new boolean[] {false, true}) {
            RawHttp.Response forwarded = dispatched(container, alone, "/named?error=404");
            RawHttp.Response include = dispatched(container, alone, "/named?include=1&error=500");

            assertThat(forwarded.status()).as("alone=%s", alone).isEqualTo(404);
            assertThat(forwarded.body()).as("alone=%s", alone).contains("\"status\":404");
            assertThat(include.status()).as("alone=%s", alone).isEqualTo(200);
            assertThat(include.body()).as("alone=%s", alone).isEqualTo(included);
        }
    }

    /**
     * A forward within an include writes into the including page: its servlet's {@code sendError}
     * is ignored as the include's is (on Tomcat the problem's JSON went into the page).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aForwardWithinAnIncludeLeavesThePageAlone(Container container) throws Exception {
        RawHttp.Response bare = exchange(container, false, DISPATCHING_APP,
                "GET /inc?of=/fwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        for (boolean alone : new boolean[] {false, true}) {
            RawHttp.Response r = dispatched(container, alone, "/inc?of=/fwd");

            assertThat(r.status()).as("alone=%s", alone).isEqualTo(bare.status());
            assertThat(r.body()).as("alone=%s", alone).isEqualTo(bare.body()).doesNotContain("\"status\"");
        }
    }

    /**
     * A forwarded servlet that sets an error status and writes no body gets the problem body, as the
     * request's own servlet does; one that calls {@code sendError} and then throws is answered 500,
     * as without the forward (answering the 404 in the forward had committed it first).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aForwardedServletsBareStatusOrFailureIsAnsweredAsTheRequestsOwn(Container container) throws Exception {
        for (boolean alone : new boolean[] {false, true}) {
            RawHttp.Response status = dispatched(container, alone, "/fwd?mode=status");
            RawHttp.Response failure = dispatched(container, alone, "/fwd?mode=throw");

            assertThat(status.status()).as("alone=%s", alone).isEqualTo(500);
            assertThat(status.header("Content-Type")).as("alone=%s", alone).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(failure.status()).as("alone=%s", alone).isEqualTo(500);
            assertThat(failure.header("Content-Type")).as("alone=%s", alone).startsWith(ProblemResponse.CONTENT_TYPE);
        }
    }

    /**
     * The access log counts what Jetty's {@code print} writes in a charset that is not ASCII's
     * superset: two bytes a character and a byte-order mark on each call (it counted ASCII text as
     * one byte a character).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void printedBytesAreCountedInAnyCharset(Container container) throws Exception {
        ServletSetup app = ctx -> ctx.addServlet("utf16", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain;charset=UTF-16");
                ServletOutputStream out = resp.getOutputStream();
                out.print("hello");
                out.print("h\u00e9");
            }
        }).addMapping("/utf16");

        Logged r = bareAndChained(container, app, "/utf16");

        assertThat(r.chained().bodyBytes()).isEqualTo(r.bare().bodyBytes());
        assertThat(r.accessLog()).contains(" bytes=" + r.chained().bodyBytes().length + " ");
    }

    /**
     * The forwarding servlet fails after the forward wrote the whole response: the response ends as
     * the forward left it, as on bare Jetty, and the failure is logged. On Tomcat, which only holds
     * the response back when a forward returns, the filter took it for a response cut short and
     * aborted, and Tomcat sent a 400 (bare Tomcat sends the forward's body with a 500).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFailureAfterAForwardCompletedTheResponseLeavesItAsTheForwardLeftIt(Container container) throws Exception {
        for (boolean alone : new boolean[] {false, true}) {
            RawHttp.Response r;
            String accessLog;
            String errors;
            try (LogCapture access = LogCapture.of("dev.palisade.access");
                    LogCapture safeErrors = LogCapture.of(SafeErrorFilter.class)) {
                r = dispatched(container, alone, "/fwd?mode=write&thenFail=1");
                accessLog = access.text();
                errors = safeErrors.text();
            }

            assertThat(r.status()).as("alone=%s", alone).isEqualTo(200);
            assertThat(r.body()).as("alone=%s", alone).isEqualTo("[one]");
            assertThat(errors).as("alone=%s", alone).contains("failed after a forward or redirect had completed its response");
            if (!alone) {
                assertThat(accessLog).contains(" status=200 ");
            }
        }
    }

    private static void await(Object latch) {
        try {
            assertThat(((java.util.concurrent.CountDownLatch) latch).await(5, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * An async task includes a piece while the request thread calls {@code sendError}: the error
     * is answered, as bare. The include state is per thread (one flag per response took the request
     * thread's call for the include's and dropped it). Jetty only: on Tomcat, overlapping includes on
     * two threads also disturb Tomcat's own include wrapper in the chain of response wrappers, and the
     * client gets an empty 200 behind any wrapping filter (documented).
     */
    @ParameterizedTest
    @EnumSource(value = Container.class, names = "JETTY")
    void aSendErrorBesideAnotherThreadsIncludeIsAnswered(Container container) throws Exception {
        ServletSetup app = ctx -> {
            var page = ctx.addServlet("page", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    req.setAttribute("entered", new java.util.concurrent.CountDownLatch(1));
                    req.setAttribute("released", new java.util.concurrent.CountDownLatch(1));
                    jakarta.servlet.AsyncContext async = req.startAsync(req, resp);
                    async.start(() -> {
                        try {
                            req.getRequestDispatcher("/piece").include(req, resp);
                        } catch (ServletException | IOException e) {
                            throw new IllegalStateException(e);
                        }
                        async.complete();
                    });
                    await(req.getAttribute("entered"));
                    resp.sendError(404);
                    ((java.util.concurrent.CountDownLatch) req.getAttribute("released")).countDown();
                }
            });
            page.setAsyncSupported(true);
            page.addMapping("/page");
            var piece = ctx.addServlet("piece", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    ((java.util.concurrent.CountDownLatch) req.getAttribute("entered")).countDown();
                    await(req.getAttribute("released"));
                    resp.getWriter().write("[piece]");
                }
            });
            piece.setAsyncSupported(true);
            piece.addMapping("/piece");
        };
        String request = "GET /page HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        assertThat(exchange(container, false, app, request).status()).isEqualTo(404);

        RawHttp.Response r = exchange(container, true, app, request);

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
    }
}
