package dev.palisade.workflow.session;

import dev.palisade.workflow.analysis.Analysis;
import dev.palisade.workflow.domain.Conversation;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A conversation in use: its stored row, which is all the workflow needs to route a message, and
 * the last few analyses of its messages for debug traces. The analyses live only here: they are
 * lost when the entry is evicted, the conversation is not.
 */
public final class ActiveConversation {
    static final int ANALYSES_KEPT = 5;

    private final Conversation conversation;
    private final Deque<Analysis> analyses = new ArrayDeque<>(ANALYSES_KEPT);

    ActiveConversation(Conversation conversation) {
        this.conversation = conversation;
    }

    public Conversation conversation() {
        return conversation;
    }

    /** Newest last. */
    public synchronized List<Analysis> recentAnalyses() {
        return List.copyOf(analyses);
    }

    public synchronized void recordAnalysis(Analysis analysis) {
        if (analyses.size() == ANALYSES_KEPT) {
            analyses.removeFirst();
        }
        analyses.addLast(analysis);
    }
}
