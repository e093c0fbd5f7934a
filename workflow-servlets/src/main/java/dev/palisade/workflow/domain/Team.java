package dev.palisade.workflow.domain;

import java.util.regex.Pattern;

/** A tenant: every stored row belongs to exactly one team, named by the caller's API key. */
public record Team(String id) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public Team {
        if (id == null || !VALID.matcher(id).matches()) {
            throw new IllegalArgumentException("team id must match [A-Za-z0-9._-]{1,64}");
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
