package dev.palisade.workflow.store.jdbc;

import dev.palisade.workflow.domain.Room;
import java.util.List;
import java.util.Set;

/**
 * The room catalogue every team starts with (seeded on the team's first {@code rooms()} call): six rooms
 * from a 12-seat boardroom to a 150-guest ballroom. Day rates are in cents of {@link #CURRENCY}.
 */
public final class DefaultRoomCatalogue {

    /** Currency of the seeded day rates. */
    public static final String CURRENCY = "EUR";

    /** The default rooms, smallest first. */
    public static final List<Room> ROOMS = List.of(
            new Room("boardroom", "Boardroom", 12, Set.of("projector", "daylight", "accessible"), 45_000L),
            new Room("library", "Library", 30, Set.of("projector", "daylight"), 90_000L),
            new Room("atrium", "Glass Atrium", 60, Set.of("daylight", "bar", "accessible"), 180_000L),
            new Room("garden-terrace", "Garden Terrace", 80, Set.of("terrace", "daylight", "bar"), 220_000L),
            new Room("loft", "Loft", 100, Set.of("projector", "stage", "bar", "dance-floor"), 280_000L),
            new Room("ballroom", "Grand Ballroom", 150,
                    Set.of("stage", "dance-floor", "bar", "projector", "accessible"), 450_000L));

    private DefaultRoomCatalogue() {
    }
}
