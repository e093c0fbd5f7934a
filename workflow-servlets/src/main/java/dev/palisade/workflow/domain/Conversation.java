package dev.palisade.workflow.domain;

import java.time.Instant;

/** One thread of messages with one client about one event. */
public record Conversation(String id, String clientId, String eventId, Instant createdAt) {
}
