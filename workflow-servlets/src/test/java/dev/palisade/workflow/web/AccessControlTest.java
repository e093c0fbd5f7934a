package dev.palisade.workflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 401 without a key, 403 with the wrong role, on every route; 404 and 405 as problem bodies. */
class AccessControlTest {
    private static final String ID = "00000000-0000-0000-0000-000000000000";

    /** Method, path, and whether the system role may use it. */
    private record Route(String method, String path, boolean system) {
    }

    private static final List<Route> ROUTES = List.of(
            new Route("POST", "/api/start-conversation", true),
            new Route("POST", "/api/send-message", true),
            new Route("GET", "/api/events", false),
            new Route("GET", "/api/events/" + ID, false),
            new Route("POST", "/api/events/" + ID + "/availability", true),
            new Route("POST", "/api/events/" + ID + "/deposit/paid", false),
            new Route("GET", "/api/tasks", false),
            new Route("GET", "/api/tasks/" + ID, false),
            new Route("POST", "/api/tasks/" + ID + "/approve", false),
            new Route("POST", "/api/tasks/" + ID + "/reject", false),
            new Route("GET", "/api/config/hil-email", false),
            new Route("PUT", "/api/config/hil-email", false),
            new Route("POST", "/api/uploads", true),
            new Route("POST", "/api/event/deposit/pay", true),
            new Route("POST", "/api/emails/test", false),
            new Route("POST", "/api/config/hil-email/test", false),
            new Route("POST", "/api/qna", false),
            new Route("GET", "/api/debug/cache", false));

    @TempDir
    Path dir;
    private WorkflowServer server;

    @BeforeEach
    void start() throws Exception {
        server = WorkflowServer.builder(dir).start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void everyApiRouteNeedsAKey() {
        for (Route route : ROUTES) {
            HttpResult result = server.send(route.method(), route.path(), null, "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(result.status()).as(route.toString()).isEqualTo(401);
            assertThat(result.contentType()).as(route.toString()).startsWith("application/problem+json");
            assertThat(result.header("WWW-Authenticate")).as(route.toString()).startsWith("Bearer");
        }
    }

    @Test
    void anUnknownKeyIsRefused() {
        HttpResult result = server.get("/api/events", "not-a-key-0123456789abcdef");
        assertThat(result.status()).isEqualTo(401);
    }

    @Test
    void managerOnlyRoutesRefuseTheSystemRole() {
        for (Route route : ROUTES) {
            if (route.system()) {
                continue;
            }
            HttpResult result = server.send(route.method(), route.path(), WorkflowServer.SYSTEM_A, "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(result.status()).as(route.toString()).isEqualTo(403);
            assertThat(result.contentType()).as(route.toString()).startsWith("application/problem+json");
        }
    }

    @Test
    void theServletChecksRolesEvenWhereTheFilterAllowsBoth() {
        // The filter's rule for POST /api/events/* admits system (for availability); deposit/paid is manager only.
        HttpResult result = server.post("/api/events/" + ID + "/deposit/paid", WorkflowServer.SYSTEM_A, "");
        assertThat(result.status()).isEqualTo(403);
        assertThat(result.contentType()).startsWith("application/problem+json");
    }

    @Test
    void systemRoutesAcceptTheSystemRole() {
        HttpResult result = server.post("/api/start-conversation", WorkflowServer.SYSTEM_A,
                "{\"email\":\"ada@example.com\",\"message\":\"" + Steps.ENQUIRY + "\"}");
        assertThat(result.status()).isEqualTo(201);
    }

    @Test
    void snapshotPagesNeedNoKeyAndUnknownOnesAre404() {
        HttpResult result = server.get("/s/0123456789abcdef0123456789abcdef", null);
        assertThat(result.status()).isEqualTo(404);
        assertThat(result.contentType()).startsWith("application/problem+json");
        assertThat(server.get("/s/../api/events", null).status()).isIn(400, 401, 404);
    }

    @Test
    void anUnknownApiPathIsAProblem404() {
        HttpResult result = server.get("/api/nothing-here", WorkflowServer.MANAGER_A);
        assertThat(result.status()).isEqualTo(404);
        assertThat(result.contentType()).startsWith("application/problem+json");
        assertThat(server.get("/api/events/" + ID + "/nothing", WorkflowServer.MANAGER_A).status()).isEqualTo(404);
        assertThat(server.get("/api/tasks/not%20an%20id", WorkflowServer.MANAGER_A).status()).isEqualTo(404);
    }

    @Test
    void aWrongMethodIsAProblem405WithAllow() {
        HttpResult result = server.send("DELETE", "/api/tasks", WorkflowServer.MANAGER_A, null, null);
        assertThat(result.status()).isEqualTo(405);
        assertThat(result.contentType()).startsWith("application/problem+json");
        assertThat(result.header("Allow")).isEqualTo("GET, HEAD");
        HttpResult get = server.get("/api/start-conversation", WorkflowServer.MANAGER_A);
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST");
    }

    @Test
    void headIsAnsweredLikeGetWithoutABody() {
        HttpResult get = server.get("/api/tasks", WorkflowServer.MANAGER_A);
        HttpResult head = server.send("HEAD", "/api/tasks", WorkflowServer.MANAGER_A, null, null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.contentType()).isEqualTo(get.contentType());
        assertThat(head.body()).isEmpty();
        assertThat(server.send("HEAD", "/api/tasks", WorkflowServer.SYSTEM_A, null, null).status()).isEqualTo(403);
    }

    @Test
    void withoutTestEndpointsTheirPathsAnswerLikeUnknownOnes() throws Exception {
        server.close();
        server = WorkflowServer.builder(dir.resolve("core")).coreOnly().start();
        for (String path : List.of("/api/event/deposit/pay", "/api/emails/test", "/api/config/hil-email/test",
                "/api/qna", "/api/debug/cache")) {
            HttpResult result = server.post(path, WorkflowServer.MANAGER_A, "{}");
            assertThat(result.status()).as(path).isEqualTo(404);
            assertThat(result.contentType()).as(path).startsWith("application/problem+json");
        }
        assertThat(server.get("/api/debug/events/x", WorkflowServer.MANAGER_A).status()).isEqualTo(404);
    }
}
