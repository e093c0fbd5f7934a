/**
 * Palisade hardening filters: Jakarta Servlet 6 filters that make a servlet service fit for
 * production. See {@code docs/filters.md} for the chain order and settings.
 */
package dev.palisade.filters;
