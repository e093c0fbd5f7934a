package dev.palisade.filters;

import jakarta.servlet.ServletContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open Liberty's web container settings that take a feature of the kit away, read by name from
 * the web container's own class (through the class loader of the context's class, as the filter
 * jar needs no Liberty classes).
 */
final class LibertySettings {
    private static final Logger LOG = LoggerFactory.getLogger(LibertySettings.class);
    private static final String CUSTOM_PROPERTIES = "com.ibm.wsspi.webcontainer.WCCustomProperties";
    private static final String FLUSH_AFTER_SERVICE = "INVOKE_FLUSH_AFTER_SERVICE";

    private LibertySettings() {
    }

    /**
     * Whether Liberty flushes the response as soon as the servlet returns ({@code invokeFlushAfterService},
     * on by default): it commits a bare {@code setStatus(>=400)} before the filters unwind, so the
     * error boundary can no longer give it a problem body. {@code false} when the setting cannot be read.
     */
    static boolean flushesAfterService(ServletContext context) {
        try {
            Class<?> properties = Class.forName(CUSTOM_PROPERTIES, false, context.getClass().getClassLoader());
            return properties.getField(FLUSH_AFTER_SERVICE).getBoolean(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.debug("Liberty's {}.{} not readable", CUSTOM_PROPERTIES, FLUSH_AFTER_SERVICE, e);
            return false;
        }
    }
}
