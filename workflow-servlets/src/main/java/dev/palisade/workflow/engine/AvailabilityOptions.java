package dev.palisade.workflow.engine;

import java.time.LocalDate;
import java.util.List;

/**
 * What a manager may override when checking availability; {@code null} keeps the event's value.
 *
 * @param wishes requested room features, lower case; {@code null} keeps the event's wishes
 */
public record AvailabilityOptions(LocalDate date, Integer guests, List<String> wishes) {
    public AvailabilityOptions {
        if (guests != null && (guests < 1 || guests > 10_000)) {
            throw new IllegalArgumentException("guests must be 1..10000");
        }
        wishes = wishes == null ? null : List.copyOf(wishes);
    }

    /** Check with the event's own details. */
    public static AvailabilityOptions none() {
        return new AvailabilityOptions(null, null, null);
    }
}
