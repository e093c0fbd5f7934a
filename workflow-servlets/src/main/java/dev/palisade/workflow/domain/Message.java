package dev.palisade.workflow.domain;

import java.time.Instant;

public record Message(String id, String conversationId, Direction direction, String body, Instant createdAt) {
}
