package dev.palisade.workflow.web;

import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.engine.AvailabilityOptions;
import dev.palisade.workflow.engine.BookingWorkflow;
import dev.palisade.workflow.engine.Outcomes;
import dev.palisade.workflow.engine.UnknownResourceException;
import dev.palisade.workflow.store.Store;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The team's events: {@code GET /api/events} and {@code GET /api/events/{id}} (manager), the room
 * check {@code POST /api/events/{id}/availability} (manager, system) and the manager's record of a
 * received deposit, {@code POST /api/events/{id}/deposit/paid}.
 */
public final class EventsServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;
    private static final int MAX_WISHES = 20;
    private static final int MAX_WISH = 40;

    private final transient Store store;
    private final transient BookingWorkflow workflow;

    public EventsServlet(Json json, Store store, BookingWorkflow workflow) {
        super(json, true);
        this.store = store;
        this.workflow = workflow;
        routes().add("GET", "/api/events", Roles.MANAGER_ONLY, this::list)
                .add("GET", "/api/events/{id}", Roles.MANAGER_ONLY, this::one)
                .add("POST", "/api/events/{id}/availability", Roles.MANAGER_OR_SYSTEM, this::availability)
                .add("POST", "/api/events/{id}/deposit/paid", Roles.MANAGER_ONLY, this::depositPaid);
    }

    private void list(Call call) throws IOException {
        int limit = Queries.limit(call.request(), DEFAULT_LIMIT, MAX_LIMIT);
        List<Event> events = store.inTeam(call.team(), tx -> tx.events(limit));
        json.write(call.response(), HttpServletResponse.SC_OK,
                new Views.EventList(events.stream().map(Views.EventView::of).toList()));
    }

    private void one(Call call) throws IOException {
        String id = call.id(0);
        Views.EventView view = store.inTeam(call.team(), tx -> tx.event(id)
                .map(e -> Views.EventView.of(e, tx.currentOffer(id).orElse(null), tx.depositForEvent(id).orElse(null)))
                .orElseThrow(() -> new UnknownResourceException("No event with this id.")));
        json.write(call.response(), HttpServletResponse.SC_OK, view);
    }

    private void availability(Call call) throws IOException {
        Bodies.AvailabilityCheck body = json.read(call.request(), Bodies.AvailabilityCheck.class)
                .orElse(new Bodies.AvailabilityCheck(null, null, null));
        LocalDate date = Fields.optionalDate("date", body.date());
        Integer guests = body.guests();
        if (guests != null && (guests < 1 || guests > 10_000)) {
            throw ApiProblem.badRequest("Field 'guests' must be between 1 and 10000.");
        }
        List<String> wishes = null;
        if (body.wishes() != null) {
            if (body.wishes().size() > MAX_WISHES) {
                throw ApiProblem.badRequest("Field 'wishes' has too many entries.");
            }
            wishes = new ArrayList<>();
            for (String wish : body.wishes()) {
                wishes.add(Fields.line("wishes", wish, MAX_WISH).toLowerCase(Locale.ROOT));
            }
        }
        Outcomes.Availability result = workflow.checkAvailability(call.team(), call.id(0),
                new AvailabilityOptions(date, guests, wishes));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("reply", result.reply());
        answer.put("taskId", result.taskId());
        answer.put("eventId", result.eventId());
        answer.put("step", result.step().number());
        answer.put("rooms", result.rooms());
        if (result.snapshotId() != null) {
            answer.put("snapshotId", result.snapshotId());
            answer.put("link", "/s/" + result.snapshotId());
        }
        json.write(call.response(), HttpServletResponse.SC_OK, answer);
    }

    private void depositPaid(Call call) throws IOException {
        json.read(call.request(), Bodies.Empty.class);
        Outcomes.DepositPaid paid = workflow.markDepositPaid(call.team(), call.id(0));
        json.write(call.response(), HttpServletResponse.SC_OK, DepositAnswers.of(paid));
    }
}
