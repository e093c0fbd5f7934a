package dev.palisade.workflow.web;

import dev.palisade.workflow.engine.BookingWorkflow;
import dev.palisade.workflow.engine.Outcomes;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Client messages: {@code POST /api/start-conversation} (201) and {@code POST /api/send-message}
 * (200), for the {@code system} and {@code manager} roles. The reply in the answer is the draft
 * waiting for approval in task {@code taskId}; it has not been sent.
 */
public final class ConversationServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    public static final String START = "/api/start-conversation";
    public static final String SEND = "/api/send-message";

    private final transient BookingWorkflow workflow;

    public ConversationServlet(Json json, BookingWorkflow workflow) {
        super(json, true);
        this.workflow = workflow;
        routes().add("POST", START, Roles.MANAGER_OR_SYSTEM, this::start)
                .add("POST", SEND, Roles.MANAGER_OR_SYSTEM, this::send);
    }

    private void start(Call call) throws IOException {
        Bodies.StartConversation body = json.readRequired(call.request(), Bodies.StartConversation.class);
        String email = Fields.email("email", body.email());
        String name = Fields.optionalName("name", body.name());
        String message = Fields.text("message", body.message(), Fields.MAX_MESSAGE);
        Outcomes.Started started = workflow.startConversation(call.team(), email, name, message);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("conversationId", started.conversationId());
        answer.put("clientId", started.clientId());
        answer.put("eventId", started.eventId());
        answer.put("reply", started.reply());
        answer.put("taskId", started.taskId());
        answer.put("step", started.step().number());
        json.write(call.response(), HttpServletResponse.SC_CREATED, answer);
    }

    private void send(Call call) throws IOException {
        Bodies.SendMessage body = json.readRequired(call.request(), Bodies.SendMessage.class);
        String conversationId = Fields.id("conversationId", body.conversationId());
        String message = Fields.text("message", body.message(), Fields.MAX_MESSAGE);
        Outcomes.Handled handled = workflow.sendMessage(call.team(), conversationId, message);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("reply", handled.reply());
        answer.put("eventId", handled.eventId());
        answer.put("step", handled.step().number());
        answer.put("status", handled.status().name());
        answer.put("taskId", handled.taskId());
        json.write(call.response(), HttpServletResponse.SC_OK, answer);
    }
}
