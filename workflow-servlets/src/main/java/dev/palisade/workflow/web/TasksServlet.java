package dev.palisade.workflow.web;

import dev.palisade.workflow.domain.HilTask;
import dev.palisade.workflow.domain.TaskStatus;
import dev.palisade.workflow.engine.BookingWorkflow;
import dev.palisade.workflow.engine.Outcomes;
import dev.palisade.workflow.engine.UnknownResourceException;
import dev.palisade.workflow.store.Store;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Human-in-the-loop tasks, for managers: {@code GET /api/tasks[?status=open|approved|rejected]},
 * {@code GET /api/tasks/{id}}, {@code POST /api/tasks/{id}/approve} (body {@code {"reply"}} to send
 * an edited reply, or none for the draft) and {@code POST /api/tasks/{id}/reject}. Deciding a task
 * that is no longer open is 409.
 */
public final class TasksServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    private final transient Store store;
    private final transient BookingWorkflow workflow;

    public TasksServlet(Json json, Store store, BookingWorkflow workflow) {
        super(json, true);
        this.store = store;
        this.workflow = workflow;
        routes().add("GET", "/api/tasks", Roles.MANAGER_ONLY, this::list)
                .add("GET", "/api/tasks/{id}", Roles.MANAGER_ONLY, this::one)
                .add("POST", "/api/tasks/{id}/approve", Roles.MANAGER_ONLY, this::approve)
                .add("POST", "/api/tasks/{id}/reject", Roles.MANAGER_ONLY, this::reject);
    }

    private void list(Call call) throws IOException {
        TaskStatus status = status(call.request().getParameter("status"));
        int limit = Queries.limit(call.request(), EventsServlet.DEFAULT_LIMIT, EventsServlet.MAX_LIMIT);
        List<HilTask> tasks = store.inTeam(call.team(), tx -> tx.tasks(status, limit));
        json.write(call.response(), HttpServletResponse.SC_OK,
                new Views.TaskList(tasks.stream().map(Views.TaskView::of).toList()));
    }

    private static TaskStatus status(String raw) {
        if (raw == null) {
            return null;
        }
        for (TaskStatus status : TaskStatus.values()) {
            if (status.name().equals(raw.toUpperCase(Locale.ROOT))) {
                return status;
            }
        }
        throw ApiProblem.badRequest("Parameter 'status' must be open, approved or rejected.");
    }

    private void one(Call call) throws IOException {
        String id = call.id(0);
        HilTask task = store.inTeam(call.team(), tx -> tx.task(id))
                .orElseThrow(() -> new UnknownResourceException("No task with this id."));
        json.write(call.response(), HttpServletResponse.SC_OK, Views.TaskView.of(task));
    }

    private void approve(Call call) throws IOException {
        Bodies.Approval body = json.read(call.request(), Bodies.Approval.class).orElse(new Bodies.Approval(null));
        String reply = Fields.optionalText("reply", body.reply(), Fields.MAX_MESSAGE);
        Outcomes.Decided decided = workflow.approve(call.team(), call.id(0), call.actor(), reply);
        json.write(call.response(), HttpServletResponse.SC_OK, answer(decided));
    }

    private void reject(Call call) throws IOException {
        Bodies.Rejection body = json.read(call.request(), Bodies.Rejection.class).orElse(new Bodies.Rejection(null));
        Fields.optionalText("reason", body.reason(), Fields.MAX_MESSAGE);
        Outcomes.Decided decided = workflow.reject(call.team(), call.id(0), call.actor());
        json.write(call.response(), HttpServletResponse.SC_OK, answer(decided));
    }

    private static Map<String, Object> answer(Outcomes.Decided decided) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("taskId", decided.taskId());
        answer.put("status", decided.status().name());
        answer.put("eventId", decided.eventId());
        answer.put("step", decided.step().number());
        answer.put("eventStatus", decided.eventStatus().name());
        if (decided.emailId() != null) {
            answer.put("emailId", decided.emailId());
        }
        if (decided.nextTaskId() != null) {
            answer.put("nextTaskId", decided.nextTaskId());
        }
        return answer;
    }
}
