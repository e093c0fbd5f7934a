package dev.palisade.workflow.domain;

/** The seven steps a booking moves through; {@link #number()} is what the API reports. */
public enum Step {
    INTAKE(1),
    DATE_CONFIRMATION(2),
    ROOM_AVAILABILITY(3),
    OFFER(4),
    NEGOTIATION(5),
    DEPOSIT(6),
    CONFIRMATION(7);

    private final int number;

    Step(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
