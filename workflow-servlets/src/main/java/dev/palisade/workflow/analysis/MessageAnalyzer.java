package dev.palisade.workflow.analysis;

import java.time.LocalDate;

/**
 * Extracts intent, date, guest count and wishes from a client message. The default is rule based
 * and offline; an LLM-backed implementation falls back to the rules on any failure, so
 * {@code analyze} never throws for bad input or an unavailable service.
 */
public interface MessageAnalyzer {

    /**
     * @param message the client's message, untrusted and of any length
     * @param today   the venue's current date, to resolve "next Friday" and dates without a year
     */
    Analysis analyze(String message, LocalDate today);
}
