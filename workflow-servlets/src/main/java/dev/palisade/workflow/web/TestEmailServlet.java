package dev.palisade.workflow.web;

import dev.palisade.workflow.domain.OutboxEmail;
import dev.palisade.workflow.store.Store;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;

/**
 * Dev only: queues test emails through the outbox, to check the email service end to end.
 * <ul>
 *   <li>{@code POST /api/emails/test} with {@code {"to"}} (or none: the team's HIL address) → 202 {@code {"emailId"}}.</li>
 *   <li>{@code POST /api/config/hil-email/test} → 202, a test notice to the configured HIL address;
 *       409 when none is configured.</li>
 * </ul>
 * Never mount it in production: it sends mail to any address a key holder names.
 */
public final class TestEmailServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    public static final String EMAILS_TEST = "/api/emails/test";
    public static final String HIL_EMAIL_TEST = "/api/config/hil-email/test";
    static final String SUBJECT = "Palisade test email";
    static final String BODY = "This is a test email from the Palisade booking workflow. No action is needed.";

    private final transient Store store;
    private final transient Clock clock;

    public TestEmailServlet(Json json, Store store, Clock clock) {
        super(json, true);
        this.store = store;
        this.clock = clock;
        routes().add("POST", EMAILS_TEST, Roles.MANAGER_ONLY, this::emailsTest)
                .add("POST", HIL_EMAIL_TEST, Roles.MANAGER_ONLY, this::hilEmailTest);
    }

    private void emailsTest(Call call) throws IOException {
        Bodies.TestEmail body = json.read(call.request(), Bodies.TestEmail.class).orElse(new Bodies.TestEmail(null));
        String to = body.to() == null ? null : Fields.email("to", body.to());
        queue(call, to);
    }

    private void hilEmailTest(Call call) throws IOException {
        json.read(call.request(), Bodies.Empty.class);
        queue(call, null);
    }

    private void queue(Call call, String to) throws IOException {
        OutboxEmail email = store.inTeam(call.team(), tx -> {
            String recipient = to != null ? to : tx.hilEmail()
                    .orElseThrow(() -> new ApiProblem(409, "No HIL email address is configured."));
            return tx.enqueueEmail(recipient, SUBJECT, BODY, clock.instant());
        });
        json.write(call.response(), 202, Map.of("emailId", email.id()));
    }
}
