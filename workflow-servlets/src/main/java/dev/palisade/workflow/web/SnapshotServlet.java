package dev.palisade.workflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.palisade.workflow.domain.Snapshot;
import dev.palisade.workflow.store.Store;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /s/{snapshotId}}: an info page for anyone holding the link, as JSON
 * {@code {"id","type","createdAt","expiresAt","page"}}. The id (128 random bits) is the only
 * credential; an unknown, expired or removed page is 404 with the same body as any unknown path.
 */
public final class SnapshotServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    public static final String PATH = "/s";
    private static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9a-f]{32}");

    private final transient Store store;
    private final transient Clock clock;

    public SnapshotServlet(Json json, Store store, Clock clock) {
        super(json, false);
        this.store = store;
        this.clock = clock;
        routes().add("GET", "/s/{id}", java.util.Set.of(), this::page);
    }

    private void page(Call call) throws IOException {
        String id = call.id(0);
        Instant now = clock.instant();
        Optional<Snapshot> found = SNAPSHOT_ID.matcher(id).matches() ? store.snapshot(id, now) : Optional.empty();
        // Store.snapshot answers empty for an expired page (its contract), so expiry is not checked twice.
        Snapshot snapshot = found
                .orElseThrow(() -> new ApiProblem(404, "No page exists at this link."));
        JsonNode page = json.mapper().readTree(snapshot.payload());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", snapshot.id());
        answer.put("type", snapshot.type().name());
        answer.put("createdAt", snapshot.createdAt());
        answer.put("expiresAt", snapshot.expiresAt());
        answer.put("page", page);
        json.write(call.response(), HttpServletResponse.SC_OK, answer);
    }
}
