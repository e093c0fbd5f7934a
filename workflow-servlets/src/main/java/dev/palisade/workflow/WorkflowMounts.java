package dev.palisade.workflow;

import dev.palisade.filters.ApiKeyAuthFilter;
import dev.palisade.filters.Environment;
import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Which risky servlets a server mounts, decided once at start from the mode and two flags
 * (contract section 3): test endpoints only in dev, where they are on unless
 * {@code ALLOW_TEST_ENDPOINTS} turns them off; debug traces only in dev with
 * {@code DEBUG_TRACE_ENABLED=1}. In prod neither is mounted, whatever the flags say.
 *
 * @param testEndpoints  mount {@link WorkflowServlets#installTestEndpoints}
 * @param debugEndpoints mount {@link WorkflowServlets#installDebugEndpoints}
 */
public record WorkflowMounts(boolean testEndpoints, boolean debugEndpoints) {
    public static final String ALLOW_TEST_ENDPOINTS = "ALLOW_TEST_ENDPOINTS";
    public static final String DEBUG_TRACE_ENABLED = "DEBUG_TRACE_ENABLED";

    /**
     * Decides from the resolved mode and the flags read through {@code env}. A flag that is not a
     * yes/no word ({@code 1/0}, {@code true/false}, {@code yes/no}, {@code on/off}) throws
     * {@link IllegalArgumentException} naming the variable and value, also in prod: a typo must not
     * pass unnoticed until the day the server runs in dev.
     */
    public static WorkflowMounts decide(Environment environment, Function<String, String> env) {
        Objects.requireNonNull(environment, "environment");
        boolean allowTest = EnvironmentValues.flag(env, ALLOW_TEST_ENDPOINTS, true);
        boolean debug = EnvironmentValues.flag(env, DEBUG_TRACE_ENABLED, false);
        if (!environment.isDev()) {
            return new WorkflowMounts(false, false);
        }
        return new WorkflowMounts(allowTest, debug);
    }

    /** Mounts the core routes and whichever risky ones were decided. */
    public void install(WorkflowServlets servlets, ServletContext context) {
        servlets.installCore(context);
        if (testEndpoints) {
            servlets.installTestEndpoints(context);
        }
        if (debugEndpoints) {
            servlets.installDebugEndpoints(context);
        }
    }

    /**
     * The access rules of the core routes and of the risky ones mounted (see
     * {@link WorkflowServlets#accessRules}): a hidden route gets no rule, so it answers exactly as an
     * unknown path does, whatever the caller's role.
     */
    public ApiKeyAuthFilter.Config.Builder accessRules(ApiKeyAuthFilter.Config.Builder builder) {
        WorkflowServlets.accessRules(builder);
        if (testEndpoints) {
            WorkflowServlets.testEndpointRules(builder);
        }
        if (debugEndpoints) {
            WorkflowServlets.debugEndpointRules(builder);
        }
        return builder;
    }

    /** The risky paths mounted, for the start-up line (empty in prod). */
    public List<String> riskyPaths() {
        List<String> paths = new ArrayList<>();
        if (testEndpoints) {
            paths.addAll(WorkflowServlets.TEST_ENDPOINT_PATHS);
        }
        if (debugEndpoints) {
            paths.addAll(WorkflowServlets.DEBUG_ENDPOINT_PATHS);
        }
        return List.copyOf(paths);
    }

    /** {@link #riskyPaths()} as one phrase: the paths, or {@code none}. */
    public String describeRiskyPaths() {
        List<String> paths = riskyPaths();
        return paths.isEmpty() ? "none" : String.join(", ", paths);
    }
}
