/**
 * Palisade hardening filters: Jakarta Servlet 6 filters that make a servlet service fit for
 * production. See {@code docs/filters.md} for the chain order and settings.
 *
 * <p>Threads: every filter, configuration ({@code Config}), {@link dev.palisade.filters.Redactor},
 * {@link dev.palisade.filters.ApiKeyPrincipal} and bucket store may be shared by any number of
 * threads; the builders may not (fill one on one thread, then share what it builds). A filter's
 * {@code init()} and {@code destroy()} are the container's to call, once each per start.
 *
 * <p>Settings: a builder's {@code build()} and a configuration's constructor refuse a setting that
 * cannot be used with an {@link dev.palisade.filters.InvalidSettingException} naming it and its value
 * (never a key's token), and a filter's {@code init()} with a {@code ServletException} caused by one;
 * sizes are in bytes, rates per second and durations in seconds unless a name says otherwise.
 */
package dev.palisade.filters;
