package dev.palisade.workflow.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.workflow.domain.Room;
import dev.palisade.workflow.domain.Snapshot;
import dev.palisade.workflow.domain.SnapshotType;
import dev.palisade.workflow.store.Store;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Dev only: questions-and-answers pages built from test data — the team's room catalogue.
 * {@code POST /api/qna} creates one (201 {@code {"snapshotId","link"}}); {@code GET /api/qna/{id}}
 * reads it back (the public {@code /s/{id}} shows the same page).
 */
public final class QnaServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    public static final String PATH = "/api/qna";

    private final transient Store store;
    private final transient Clock clock;

    public QnaServlet(Json json, Store store, Clock clock) {
        super(json, true);
        this.store = store;
        this.clock = clock;
        routes().add("POST", PATH, Roles.MANAGER_ONLY, this::create)
                .add("GET", PATH + "/{id}", Roles.MANAGER_ONLY, this::read);
    }

    private void create(Call call) throws IOException {
        json.read(call.request(), Bodies.Empty.class);
        Instant now = clock.instant();
        Snapshot snapshot = store.inTeam(call.team(), tx -> tx.createSnapshot(null, SnapshotType.QNA,
                page(tx.rooms()), now));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("snapshotId", snapshot.id());
        answer.put("link", "/s/" + snapshot.id());
        json.write(call.response(), HttpServletResponse.SC_CREATED, answer);
    }

    private void read(Call call) throws IOException {
        Snapshot snapshot = store.snapshot(call.id(0), clock.instant())
                .filter(s -> s.type() == SnapshotType.QNA)
                .orElseThrow(() -> new ApiProblem(404, "No page exists at this link."));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", snapshot.id());
        answer.put("expiresAt", snapshot.expiresAt());
        answer.put("page", json.mapper().readTree(snapshot.payload()));
        json.write(call.response(), HttpServletResponse.SC_OK, answer);
    }

    private String page(List<Room> rooms) {
        ObjectNode page = json.mapper().createObjectNode();
        page.put("page", "qna");
        ArrayNode items = page.putArray("items");
        for (Room room : rooms) {
            ObjectNode item = items.addObject();
            item.put("question", "How many guests fit in " + room.name() + "?");
            item.put("answer", "Up to " + room.capacity() + " guests; it offers "
                    + String.join(", ", new TreeSet<>(room.features())) + ".");
        }
        try {
            return json.mapper().writeValueAsString(page);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Could not write a QnA page", e);
        }
    }
}
