package dev.palisade.filters;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multipart config of the servlet a request is mapped to, as far as a filter can see it, for
 * the bodies the size filter parses itself (no length): the servlet's {@code maxFileSize},
 * {@code maxRequestSize} and {@code location} must hold there as they do when the container parses.
 * The Servlet API gives a filter no getter. Jetty 12's registration has a public
 * {@code getMultipartConfigElement()}, so there the config is seen however it was given (annotation,
 * {@code web.xml}, {@code setMultipartConfig}), and so is its absence. Elsewhere (Tomcat 11) it is
 * {@linkplain #UNKNOWN unknown} and the filter parses with its own settings alone: an annotation on
 * the servlet's class is no guide there, since {@code web.xml} or code may replace it, and holding a
 * replaced, smaller limit would refuse uploads the container accepts.
 */
final class ServletMultipartConfig {
    /** Nothing could be seen: the filter's own settings alone apply. */
    static final ServletMultipartConfig UNKNOWN = new ServletMultipartConfig(null, false, null);
    private static final Logger LOG = LoggerFactory.getLogger(ServletMultipartConfig.class);

    private final MultipartConfigElement config;
    private final boolean known;
    private final Path location;

    private ServletMultipartConfig(MultipartConfigElement config, boolean known, Path location) {
        this.config = config;
        this.known = known;
        this.location = location;
    }

    /** The servlet has no multipart config: the container would give it no parts. */
    boolean absent() {
        return known && config == null;
    }

    /** The servlet's {@code maxFileSize}, or {@code -1} for none or unknown. */
    long maxFileSize() {
        return config == null ? -1 : config.getMaxFileSize();
    }

    /** The servlet's {@code maxRequestSize}, or {@code -1} for none or unknown. */
    long maxRequestSize() {
        return config == null ? -1 : config.getMaxRequestSize();
    }

    /**
     * Where {@code Part.write(relative)} writes: the config's {@code location} as Jetty resolves it
     * ({@code new File(location)}, so a relative one against the working directory), else
     * {@code contextTempDir}. Parts spill to the filter's own directory whatever it says: a location
     * that does not exist must not fail an upload the container would take.
     */
    Path location(Path contextTempDir) {
        return location == null ? contextTempDir : location;
    }

    static ServletMultipartConfig of(HttpServletRequest request) {
        HttpServletMapping mapping = request.getHttpServletMapping();
        String servletName = mapping == null ? null : mapping.getServletName();
        ServletContext context = request.getServletContext();
        ServletRegistration registration = servletName == null || context == null
                ? null : context.getServletRegistration(servletName);
        Method getter = registration == null ? null : multipartGetter(registration.getClass());
        if (getter == null) {
            return UNKNOWN;
        }
        try {
            MultipartConfigElement config = (MultipartConfigElement) getter.invoke(registration);
            String location = config == null ? null : config.getLocation();
            return new ServletMultipartConfig(config, true,
                    location == null || location.isEmpty() ? null : Path.of(location).toAbsolutePath());
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Seeing less than the container does is not the client's fault: parse as before.
            LOG.debug("Could not read the multipart config of servlet {}", LogSafe.escape(servletName), e);
            return UNKNOWN;
        }
    }

    private static Method multipartGetter(Class<?> registrationClass) {
        for (Method method : registrationClass.getMethods()) {
            if (method.getName().equals("getMultipartConfigElement") && method.getParameterCount() == 0
                    && method.getReturnType() == MultipartConfigElement.class) {
                return method;
            }
        }
        return null;
    }
}
