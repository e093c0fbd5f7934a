package dev.palisade.it;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** API keys of two teams, one configured by its SHA-256 digest, as an operator would. */
final class Keys {
    static final String ALPHA_MANAGER = "alpha-manager-token-7Kq2";
    static final String ALPHA_SYSTEM = "alpha-system-token-9Zt4W";
    static final String BETA_MANAGER = "beta-manager-token-3Xv8P";
    static final String UNKNOWN = "nobody-knows-this-token-5Rr1";

    /** The {@code API_KEYS} value: alpha's keys in clear, beta's as {@code sha256:<hex>}. */
    static final String API_KEYS = ALPHA_MANAGER + "@alpha:manager,"
            + ALPHA_SYSTEM + "@alpha:system,"
            + "sha256:" + sha256(BETA_MANAGER) + "@beta:manager";

    private Keys() {
    }

    static String sha256(String token) {
        return sha256Bytes(token.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Bytes(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
