package dev.palisade.workflow.domain;

import java.time.Instant;

/**
 * A stored file. {@code storedName} is generated; {@code originalName} is kept for display only and
 * never used to build a path.
 *
 * @param mediaType the type sniffed from the bytes, e.g. {@code application/pdf}
 */
public record Upload(String id, String storedName, String originalName, String mediaType, long sizeBytes,
        String sha256, Instant createdAt) {
}
