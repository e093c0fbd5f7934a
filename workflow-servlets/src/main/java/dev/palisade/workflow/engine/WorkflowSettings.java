package dev.palisade.workflow.engine;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Commercial settings of the workflow, validated at construction.
 *
 * @param cateringPerGuestCents catering charged per guest, in cents of {@code currency}
 * @param depositPercent        share of an accepted offer's total asked as deposit, 1..100
 * @param currency              ISO 4217 code, e.g. {@code EUR}
 * @param linkBase              what precedes {@code /s/{id}} in links sent to clients: empty for a
 *                              relative link, or an absolute {@code https://} origin without a trailing slash
 */
public record WorkflowSettings(long cateringPerGuestCents, int depositPercent, String currency, String linkBase) {
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Pattern LINK_BASE = Pattern.compile("(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)?");

    public WorkflowSettings {
        if (cateringPerGuestCents < 0) {
            throw new IllegalArgumentException("cateringPerGuestCents must be >= 0");
        }
        if (depositPercent < 1 || depositPercent > 100) {
            throw new IllegalArgumentException("depositPercent must be 1..100");
        }
        Objects.requireNonNull(currency, "currency");
        if (!CURRENCY.matcher(currency).matches()) {
            throw new IllegalArgumentException("currency must be three upper-case letters");
        }
        linkBase = linkBase == null ? "" : linkBase;
        if (!LINK_BASE.matcher(linkBase).matches()) {
            throw new IllegalArgumentException("linkBase must be empty or an http(s) origin without a path");
        }
    }

    /** EUR 45.00 catering per guest, 30 % deposit, relative links. */
    public static WorkflowSettings defaults() {
        return new WorkflowSettings(4_500, 30, "EUR", "");
    }

    /** The client-facing link to a snapshot page. */
    public String snapshotLink(String snapshotId) {
        return linkBase + "/s/" + snapshotId;
    }
}
