package dev.palisade.workflow.web;

import dev.palisade.workflow.store.Store;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where human-in-the-loop notices go, for managers: {@code GET /api/config/hil-email} →
 * {@code {"email":…,"configured":…}}; {@code PUT} with {@code {"email"}} sets it.
 */
public final class HilEmailServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    public static final String PATH = "/api/config/hil-email";

    private final transient Store store;

    public HilEmailServlet(Json json, Store store) {
        super(json, true);
        this.store = store;
        routes().add("GET", PATH, Roles.MANAGER_ONLY, this::get)
                .add("PUT", PATH, Roles.MANAGER_ONLY, this::put);
    }

    private void get(Call call) throws IOException {
        Optional<String> address = store.inTeam(call.team(), tx -> tx.hilEmail());
        json.write(call.response(), HttpServletResponse.SC_OK, answer(address.orElse(null)));
    }

    private void put(Call call) throws IOException {
        Bodies.HilEmail body = json.readRequired(call.request(), Bodies.HilEmail.class);
        String address = Fields.email("email", body.email());
        store.inTeam(call.team(), tx -> {
            tx.setHilEmail(address);
            return null;
        });
        json.write(call.response(), HttpServletResponse.SC_OK, answer(address));
    }

    private static Map<String, Object> answer(String address) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("email", address);
        answer.put("configured", address != null);
        return answer;
    }
}
