package dev.palisade.workflow.engine;

import dev.palisade.workflow.domain.EventStatus;
import dev.palisade.workflow.domain.Room;
import dev.palisade.workflow.domain.TaskKind;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Every text the workflow drafts, in one place: replies to clients (which a manager approves, and
 * may edit, before they go out) and notices to the team. Plain text. Client input is never echoed
 * except the client's name, cleaned and shortened; dates, counts and rooms are the parsed values.
 */
final class Drafts {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEEE d MMMM uuuu", Locale.ENGLISH);
    private static final int MAX_NAME = 60;
    private static final String SIGNATURE = "\n\nKind regards,\nThe events team";
    private static final int ROOMS_LISTED = 3;

    private Drafts() {
    }

    static String askForDetails(String name, boolean needDate, boolean needGuests) {
        String what;
        if (needDate && needGuests) {
            what = "the date you have in mind and the number of guests";
        } else if (needDate) {
            what = "the date you have in mind";
        } else {
            what = "the number of guests you expect";
        }
        return greeting(name) + "Thank you for your enquiry. To check which of our rooms suit you, could you tell us "
                + what + "?" + SIGNATURE;
    }

    static String dateInPast(String name, LocalDate date) {
        return greeting(name) + "Thank you for your message. The date we understood, " + format(date)
                + ", has already passed. Could you tell us the date you have in mind?" + SIGNATURE;
    }

    static String confirmDetails(String name, LocalDate date, Integer guests) {
        String guestPart = guests == null
                ? " Could you also tell us how many guests you expect?"
                : " for " + guests + " guests.";
        String ask = guests == null
                ? "Could you confirm the date, please?"
                : "Could you confirm the date and the number of guests, please?";
        String sentence = guests == null
                ? "We understood that you are planning an event on " + format(date) + "." + guestPart + " "
                : "We understood that you are planning an event on " + format(date) + guestPart + " ";
        return greeting(name) + "Thank you for your enquiry. " + sentence + ask + SIGNATURE;
    }

    static String askForGuests(String name, LocalDate date) {
        return greeting(name) + "Thank you for confirming " + format(date)
                + ". How many guests do you expect? Then we can check which rooms are free." + SIGNATURE;
    }

    static String roomsFound(String name, LocalDate date, int guests, List<RoomChoice> rooms, String link) {
        StringBuilder text = new StringBuilder(greeting(name))
                .append("Good news: on ").append(format(date)).append(" we have rooms for ").append(guests)
                .append(" guests:\n");
        for (RoomChoice choice : rooms.subList(0, Math.min(ROOMS_LISTED, rooms.size()))) {
            Room room = choice.room();
            text.append("\n- ").append(room.name()).append(" (up to ").append(room.capacity()).append(" guests)");
        }
        text.append("\n\nDetails: ").append(link)
                .append("\n\nWe will send you an offer for ").append(rooms.get(0).room().name())
                .append(" shortly.").append(SIGNATURE);
        return text.toString();
    }

    static String noRoomFits(String name, LocalDate date, int guests) {
        return greeting(name) + "Thank you for your patience. Unfortunately none of our rooms is free for " + guests
                + " guests on " + format(date) + ". Would another date suit you, or could the party be smaller? "
                + "We would be glad to check again." + SIGNATURE;
    }

    static String offer(String name, Room room, LocalDate date, int guests, Money total, String link) {
        return greeting(name) + "We are pleased to offer you " + room.name() + " on " + format(date) + " for " + guests
                + " guests, catering included, at " + total + " in total.\n\nThe full offer: " + link
                + "\n\nReply to this email to accept it or to tell us what you would like to change." + SIGNATURE;
    }

    static String preparing(String name) {
        return greeting(name) + "Thank you for your message. We are preparing your offer and will send it shortly."
                + SIGNATURE;
    }

    static String reviewing(String name) {
        return greeting(name) + "Thank you for your message. We are looking into it and will come back to you "
                + "shortly." + SIGNATURE;
    }

    static String depositRequest(String name, Money total, Money deposit, int percent) {
        return greeting(name) + "Thank you for accepting our offer of " + total + ". To secure your booking, please pay "
                + "a deposit of " + deposit + " (" + percent + " %). We will confirm the booking as soon as it has "
                + "arrived." + SIGNATURE;
    }

    static String depositReminder(String name, Money deposit) {
        return greeting(name) + "Thank you for your message. Your booking is secured once the deposit of " + deposit
                + " has arrived; we will confirm it then." + SIGNATURE;
    }

    static String confirmation(String name, Room room, LocalDate date, int guests) {
        String where = room == null ? "" : " in " + room.name();
        return greeting(name) + "We have received your deposit. Your event on " + format(date) + where + " for "
                + guests + " guests is confirmed. We look forward to welcoming you." + SIGNATURE;
    }

    static String declined(String name) {
        return greeting(name) + "Thank you for letting us know. We have closed your enquiry and released the room; "
                + "we would be glad to hear from you again." + SIGNATURE;
    }

    static String cancelled(String name) {
        return greeting(name) + "We have cancelled your booking as requested and released the room. We hope to "
                + "welcome you another time." + SIGNATURE;
    }

    static String closed(String name, EventStatus status) {
        String state = switch (status) {
            case CONFIRMED -> "is confirmed. A member of our team will answer your message personally";
            case DECLINED -> "was closed after you declined our offer. To plan a new event, please start a new enquiry";
            default -> "was cancelled. To plan a new event, please start a new enquiry";
        };
        return greeting(name) + "Thank you for your message. This booking " + state + "." + SIGNATURE;
    }

    static String hilSubject(TaskKind kind) {
        return "Task waiting for approval: " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The notice to the team: what to review and where, never the client's message. */
    static String hilBody(TaskKind kind, String taskId, String eventId) {
        return "A " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " task is waiting for approval.\n\n"
                + "Task: " + taskId + "\nEvent: " + eventId + "\n\nReview it in the task list (GET /api/tasks).";
    }

    static String clientSubject(TaskKind kind) {
        return switch (kind) {
            case AVAILABILITY -> "Room availability for your event";
            case OFFER -> "Your offer";
            case DEPOSIT_REQUEST -> "Deposit for your booking";
            case CONFIRMATION -> "Your booking is confirmed";
            case REPLY -> "Your enquiry";
        };
    }

    static String format(LocalDate date) {
        return DATE.format(date);
    }

    /** "Dear Ada Lovelace," with the name cleaned of control characters and shortened; "Hello," without one. */
    static String greeting(String name) {
        String clean = cleanName(name);
        return clean.isEmpty() ? "Hello,\n\n" : "Dear " + clean + ",\n\n";
    }

    static String cleanName(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(name.length(), MAX_NAME));
        boolean space = false;
        for (int i = 0; i < name.length() && out.length() < MAX_NAME; i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                space = out.length() > 0;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.append(c);
        }
        return out.toString();
    }
}
