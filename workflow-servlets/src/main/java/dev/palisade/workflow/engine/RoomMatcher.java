package dev.palisade.workflow.engine;

import dev.palisade.workflow.domain.Room;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Step 3's room choice: rooms large enough and free on the date, best first — most wishes met, then
 * the cheapest, then the smallest (a large room stays free for a large party), then by id so the
 * order is stable.
 */
final class RoomMatcher {
    private static final Comparator<RoomChoice> BEST_FIRST = Comparator
            .comparingInt(RoomChoice::wishesMatched).reversed()
            .thenComparingLong(choice -> choice.room().dayRateCents())
            .thenComparingInt(choice -> choice.room().capacity())
            .thenComparing(choice -> choice.room().id());

    private RoomMatcher() {
    }

    static List<RoomChoice> rank(Collection<Room> catalogue, Set<String> taken, int guests, Collection<String> wishes) {
        return catalogue.stream()
                .filter(room -> room.capacity() >= guests && !taken.contains(room.id()))
                .map(room -> new RoomChoice(room, (int) wishes.stream().filter(room.features()::contains).count()))
                .sorted(BEST_FIRST)
                .toList();
    }
}
