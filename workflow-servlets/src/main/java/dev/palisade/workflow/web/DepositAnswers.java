package dev.palisade.workflow.web;

import dev.palisade.workflow.engine.Outcomes;
import java.util.LinkedHashMap;
import java.util.Map;

/** The answer to a recorded deposit payment, shared by the manager route and the dev mock. */
final class DepositAnswers {
    private DepositAnswers() {
    }

    static Map<String, Object> of(Outcomes.DepositPaid paid) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("eventId", paid.eventId());
        answer.put("status", paid.status().name());
        answer.put("step", paid.step().number());
        answer.put("taskId", paid.taskId());
        return answer;
    }
}
