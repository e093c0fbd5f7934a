package dev.palisade.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.palisade.filters.ApiKeyAuthFilter;
import org.slf4j.Marker;

/**
 * Drops {@link ApiKeyAuthFilter}'s start-up warning that no API keys are configured: the server's
 * start-up line says the same ("api keys 0 (every protected route answers 401)"), and is meant to be
 * the one line at start. The filter's other warnings, its 401 and 403 count lines, pass: with the
 * logger turned down instead, as it was, they were lost too.
 */
public final class KeylessWarningFilter extends TurboFilter {
    private static final String LOGGER = ApiKeyAuthFilter.class.getName();

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        return level == Level.WARN && format != null && format.contains("no API keys configured")
                && LOGGER.equals(logger.getName()) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
