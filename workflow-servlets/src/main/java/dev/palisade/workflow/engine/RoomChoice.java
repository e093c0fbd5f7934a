package dev.palisade.workflow.engine;

import dev.palisade.workflow.domain.Room;

/** A room that fits an event, with how many of the client's wishes it meets. */
record RoomChoice(Room room, int wishesMatched) {
}
