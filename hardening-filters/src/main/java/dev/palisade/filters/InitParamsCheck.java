package dev.palisade.filters;

import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the init-params of this jar's filters declared in {@code web.xml} (or by an earlier
 * initializer) when the application starts, before any filter is initialised, and fails the
 * start on the first bad one: the same check each filter's {@code init()} makes, made where every
 * container stops the deployment.
 *
 * <p>A failed {@code init()} alone is not enough everywhere. Jetty fails the context and Tomcat
 * marks it failed, but Payara and GlassFish log the failure and serve the application without that
 * filter (without its authentication, say), and WildFly initialises filters at the first request
 * by default, so the application deploys and every request then fails with a stack trace for local
 * clients. The container finds this class through {@code META-INF/services} in a WAR's
 * {@code WEB-INF/lib} (Tomcat, Payara, GlassFish, WildFly, and Jetty with its annotations module).
 *
 * <p>Open Liberty logs an initializer's exception as a warning and starts the application anyway;
 * it does stop one whose context listener throws. So the check also leaves such a listener behind,
 * which throws the same failure when the container goes on to start the application; a container
 * that stops at the initializer's exception never calls it.
 *
 * <p>Registrations without init-params are left to the filter's own {@code init()}: one made with a
 * {@code Config} in code reads no environment variables, and cannot be told apart from one the
 * container makes from the class name.
 */
public final class InitParamsCheck implements ServletContainerInitializer {
    private static final Logger LOG = LoggerFactory.getLogger(InitParamsCheck.class);

    /** The filters read by the container from a class name: its no-argument constructor reads the environment. */
    private static final Map<String, Check> CHECKS = Map.of(
            SafeErrorFilter.class.getName(), (name, params, env) -> Settings.from(name, params, SafeErrorFilter.INIT_PARAMS, env),
            AccessLogFilter.class.getName(), (name, params, env) -> Settings.from(name, params, AccessLogFilter.INIT_PARAMS, env),
            SecurityHeadersFilter.class.getName(), (name, params, env) -> SecurityHeadersFilter.Config.fromSettings(
                    Settings.from(name, params, SecurityHeadersFilter.INIT_PARAMS, env)),
            RequestSizeLimitFilter.class.getName(), (name, params, env) -> RequestSizeLimitFilter.Config.fromSettings(
                    Settings.from(name, params, RequestSizeLimitFilter.INIT_PARAMS, env)),
            RateLimitFilter.class.getName(), (name, params, env) -> RateLimitFilter.Config.fromSettings(
                    Settings.from(name, params, RateLimitFilter.INIT_PARAMS, env)),
            EnvironmentGateFilter.class.getName(), (name, params, env) -> EnvironmentGateFilter.Config.fromSettings(
                    Settings.from(name, params, EnvironmentGateFilter.INIT_PARAMS, env)),
            ApiKeyAuthFilter.class.getName(), (name, params, env) -> ApiKeyAuthFilter.Config.fromSettings(
                    Settings.from(name, params, ApiKeyAuthFilter.INIT_PARAMS, env)));

    private final Function<String, String> env;

    /** The check a container runs, reading the environment as the filters do. */
    public InitParamsCheck() {
        this(System::getenv);
    }

    InitParamsCheck(Function<String, String> env) {
        this.env = env;
    }

    @FunctionalInterface
    private interface Check {
        /** Throws {@link InvalidSettingException} on a bad or unknown init-param. */
        Object read(String filterName, Map<String, String> params, Function<String, String> env);
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        for (FilterRegistration registration : context.getFilterRegistrations().values()) {
            String className = registration.getClassName();
            // No class: a descriptor's declaration that Hardening.install completes later.
            Check check = className == null ? null : CHECKS.get(className);
            Map<String, String> params = registration.getInitParameters();
            if (check == null || params == null || params.isEmpty()) {
                continue;
            }
            try {
                check.read(registration.getName(), params, env);
            } catch (InvalidSettingException e) {
                LOG.error("{}: {}", LogSafe.escape(registration.getName()), e.getMessage());
                ServletException failure = new ServletException(registration.getName() + ": " + e.getMessage(), e);
                try {
                    context.addListener(new FailedStart(failure));
                } catch (RuntimeException refused) {
                    // Called outside a container's initializer phase: the failure thrown below still stops it.
                    failure.addSuppressed(refused);
                }
                throw failure;
            }
        }
    }

    /** Fails the application's start with the check's failure, for a container that went on after it. */
    private static final class FailedStart implements ServletContextListener {
        private final ServletException failure;

        FailedStart(ServletException failure) {
            this.failure = failure;
        }

        @Override
        public void contextInitialized(ServletContextEvent event) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
    }
}
