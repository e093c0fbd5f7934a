package dev.palisade.filters.testing;

import jakarta.servlet.ServletContext;

/** Registers filters and servlets on a real container's context, as a deployment would. */
@FunctionalInterface
public interface ServletSetup {
    void register(ServletContext context) throws Exception;
}
