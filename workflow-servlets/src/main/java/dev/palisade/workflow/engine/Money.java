package dev.palisade.workflow.engine;

import java.util.Locale;

/** An amount in cents of a currency, rendered as {@code EUR 1234.50}. */
record Money(long cents, String currency) {

    Money percent(int percent) {
        // Rounded half up to the cent.
        return new Money((cents * percent + 50) / 100, currency);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %d.%02d", currency, cents / 100, cents % 100);
    }
}
