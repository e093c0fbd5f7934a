package dev.palisade.workflow.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.workflow.domain.Room;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;

/**
 * The JSON documents behind snapshot links. Anyone holding a link can read its page, so a page
 * holds what the venue offers — rooms, date, guest count, prices — and nothing about the client
 * (no name, email or message).
 */
final class Pages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Pages() {
    }

    static String rooms(LocalDate date, int guests, List<String> wishes, List<RoomChoice> rooms) {
        ObjectNode page = JSON.createObjectNode();
        page.put("page", "rooms");
        page.put("date", date.toString());
        page.put("guests", guests);
        ArrayNode wished = page.putArray("wishes");
        wishes.forEach(wished::add);
        ArrayNode list = page.putArray("rooms");
        for (RoomChoice choice : rooms) {
            ObjectNode node = room(list.addObject(), choice.room());
            node.put("wishesMet", choice.wishesMatched());
        }
        return write(page);
    }

    static String offer(Room room, LocalDate date, int guests, Money dayRate, Money catering, Money total,
            int depositPercent) {
        ObjectNode page = JSON.createObjectNode();
        page.put("page", "offer");
        page.put("date", date.toString());
        page.put("guests", guests);
        room(page.putObject("room"), room);
        ObjectNode price = page.putObject("price");
        price.put("currency", total.currency());
        price.put("roomCents", dayRate.cents());
        price.put("cateringCents", catering.cents());
        price.put("totalCents", total.cents());
        price.put("depositPercent", depositPercent);
        return write(page);
    }

    private static ObjectNode room(ObjectNode node, Room room) {
        node.put("id", room.id());
        node.put("name", room.name());
        node.put("capacity", room.capacity());
        ArrayNode features = node.putArray("features");
        new TreeSet<>(room.features()).forEach(features::add);
        node.put("dayRateCents", room.dayRateCents());
        return node;
    }

    private static String write(ObjectNode page) {
        try {
            return JSON.writeValueAsString(page);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serialises; this is a programming error.
            throw new IllegalStateException("Could not write a snapshot page", e);
        }
    }
}
