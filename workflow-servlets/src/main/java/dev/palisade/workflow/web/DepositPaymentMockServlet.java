package dev.palisade.workflow.web;

import dev.palisade.workflow.engine.BookingWorkflow;
import dev.palisade.workflow.engine.Outcomes;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Dev only: {@code POST /api/event/deposit/pay} with {@code {"eventId"}} plays the payment
 * provider's callback and marks the event's deposit paid (steps 6 to 7). Never mount it in
 * production: it confirms bookings without money.
 */
public final class DepositPaymentMockServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;

    public static final String PATH = "/api/event/deposit/pay";

    private final transient BookingWorkflow workflow;

    public DepositPaymentMockServlet(Json json, BookingWorkflow workflow) {
        super(json, true);
        this.workflow = workflow;
        routes().add("POST", PATH, Roles.MANAGER_OR_SYSTEM, this::pay);
    }

    private void pay(Call call) throws IOException {
        Bodies.DepositPayment body = json.readRequired(call.request(), Bodies.DepositPayment.class);
        String eventId = Fields.id("eventId", body.eventId());
        Outcomes.DepositPaid paid = workflow.markDepositPaid(call.team(), eventId);
        json.write(call.response(), HttpServletResponse.SC_OK, DepositAnswers.of(paid));
    }
}
