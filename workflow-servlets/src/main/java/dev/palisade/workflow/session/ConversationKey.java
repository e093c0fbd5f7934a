package dev.palisade.workflow.session;

import dev.palisade.workflow.domain.Team;
import java.util.Objects;

/** A conversation as the cache knows it: ids are only unique together with their team. */
public record ConversationKey(Team team, String conversationId) {
    public ConversationKey {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(conversationId, "conversationId");
    }
}
