package dev.palisade.workflow.web;

import java.util.Set;

/** The API-key roles of the contract. */
public final class Roles {
    public static final String MANAGER = "manager";
    public static final String SYSTEM = "system";

    static final Set<String> MANAGER_ONLY = Set.of(MANAGER);
    static final Set<String> MANAGER_OR_SYSTEM = Set.of(MANAGER, SYSTEM);

    private Roles() {
    }
}
