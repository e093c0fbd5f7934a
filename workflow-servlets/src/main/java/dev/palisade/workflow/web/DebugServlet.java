package dev.palisade.workflow.web;

import dev.palisade.workflow.analysis.Analysis;
import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.HilTask;
import dev.palisade.workflow.domain.Message;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.engine.UnknownResourceException;
import dev.palisade.workflow.session.ActiveConversation;
import dev.palisade.workflow.session.ConversationCache;
import dev.palisade.workflow.store.Store;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Debug traces (dev with {@code DEBUG_TRACE_ENABLED=1} only), for managers:
 * <ul>
 *   <li>{@code GET /api/debug/events/{id}} — the event, its offer and deposit, its tasks, the
 *       messages of its conversation (bodies included: this is why it is never mounted in
 *       production) and the last analyses still in the conversation cache.</li>
 *   <li>{@code GET /api/debug/cache} — conversation cache size, evictions and store reloads.</li>
 * </ul>
 */
public final class DebugServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    public static final String PATH = "/api/debug";
    static final int TASKS_SCANNED = 1_000;
    static final int MESSAGES_SHOWN = 200;

    private final transient Store store;
    private final transient ConversationCache conversations;

    public DebugServlet(Json json, Store store, ConversationCache conversations) {
        super(json, true);
        this.store = store;
        this.conversations = conversations;
        routes().add("GET", PATH + "/events/{id}", Roles.MANAGER_ONLY, this::event)
                .add("GET", PATH + "/cache", Roles.MANAGER_ONLY, this::cache);
    }

    private void event(Call call) throws IOException {
        Team team = call.team();
        String id = call.id(0);
        Map<String, Object> trace = store.inTeam(team, tx -> {
            Event event = tx.event(id).orElseThrow(() -> new UnknownResourceException("No event with this id."));
            List<HilTask> tasks = tx.tasks(null, TASKS_SCANNED).stream().filter(t -> t.eventId().equals(id)).toList();
            Set<String> conversationIds = new LinkedHashSet<>();
            tasks.forEach(t -> conversationIds.add(t.conversationId()));
            List<Message> messages = new ArrayList<>();
            conversationIds.forEach(c -> messages.addAll(tx.messages(c, MESSAGES_SHOWN)));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("event", Views.EventView.of(event, tx.currentOffer(id).orElse(null),
                    tx.depositForEvent(id).orElse(null)));
            out.put("tasks", tasks.stream().map(Views.TaskView::of).toList());
            out.put("messages", messages);
            out.put("conversationIds", List.copyOf(conversationIds));
            return out;
        });
        List<Analysis> analyses = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<String> conversationIds = (List<String>) trace.get("conversationIds");
        for (String conversationId : conversationIds) {
            conversations.peek(team, conversationId).map(ActiveConversation::recentAnalyses).ifPresent(analyses::addAll);
        }
        trace.put("analyses", analyses);
        json.write(call.response(), HttpServletResponse.SC_OK, trace);
    }

    private void cache(Call call) throws IOException {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("size", conversations.size());
        answer.put("evictions", conversations.evictionCount());
        answer.put("reloads", conversations.loadCount());
        json.write(call.response(), HttpServletResponse.SC_OK, answer);
    }
}
