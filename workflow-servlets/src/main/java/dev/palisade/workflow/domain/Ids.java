package dev.palisade.workflow.domain;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

/** Identifiers for stored rows. Snapshot ids are capabilities (a link is the only key), so they are 128 random bits. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A new row id (random UUID). */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** A new unguessable snapshot id: 128 bits from {@link SecureRandom}, 32 hex digits. */
    public static String newSnapshotId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
