package dev.palisade.workflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.workflow.domain.Room;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoomMatcherTest {
    private static final Room SMALL = new Room("small", "Small", 20, Set.of("projector"), 50_000);
    private static final Room MEDIUM = new Room("medium", "Medium", 60, Set.of("terrace", "bar"), 150_000);
    private static final Room LARGE = new Room("large", "Large", 120, Set.of("projector", "terrace"), 300_000);
    private static final Room MEDIUM_CHEAP = new Room("medium-cheap", "Medium cheap", 60, Set.of(), 100_000);
    private static final List<Room> CATALOGUE = List.of(LARGE, SMALL, MEDIUM, MEDIUM_CHEAP);

    private static List<String> ids(List<RoomChoice> choices) {
        return choices.stream().map(c -> c.room().id()).toList();
    }

    @Test
    void leavesOutRoomsTooSmallForTheGuests() {
        assertThat(ids(RoomMatcher.rank(CATALOGUE, Set.of(), 61, List.of()))).containsExactly("large");
    }

    @Test
    void leavesOutRoomsTakenOnTheDate() {
        assertThat(ids(RoomMatcher.rank(CATALOGUE, Set.of("medium-cheap", "large"), 40, List.of())))
                .containsExactly("medium");
    }

    @Test
    void ranksByWishesMetThenPrice() {
        assertThat(ids(RoomMatcher.rank(CATALOGUE, Set.of(), 10, List.of("projector", "terrace"))))
                .containsExactly("large", "small", "medium", "medium-cheap");
        assertThat(ids(RoomMatcher.rank(CATALOGUE, Set.of(), 10, List.of())))
                .containsExactly("small", "medium-cheap", "medium", "large");
    }

    @Test
    void countsWishesMet() {
        assertThat(RoomMatcher.rank(CATALOGUE, Set.of(), 100, List.of("projector", "terrace", "stage")).get(0)
                .wishesMatched()).isEqualTo(2);
    }

    @Test
    void findsNothingWhenNoRoomFits() {
        assertThat(RoomMatcher.rank(CATALOGUE, Set.of("large"), 100, List.of())).isEmpty();
    }
}
