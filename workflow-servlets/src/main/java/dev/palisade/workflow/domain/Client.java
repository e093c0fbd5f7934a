package dev.palisade.workflow.domain;

import java.time.Instant;

/** Someone who writes to the venue. One per team and (lower-cased) email address. */
public record Client(String id, String email, String name, Instant createdAt) {
}
