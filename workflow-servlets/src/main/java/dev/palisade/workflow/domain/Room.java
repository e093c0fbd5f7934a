package dev.palisade.workflow.domain;

import java.util.Set;

/** A bookable room from the team's catalogue; the price is per day, in cents of {@link Offer#currency()}. */
public record Room(String id, String name, int capacity, Set<String> features, long dayRateCents) {
    public Room {
        features = Set.copyOf(features);
    }
}
