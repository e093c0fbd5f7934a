package dev.palisade.workflow.web;

import java.util.Set;

/** The API-key roles of the contract. */
public final class Roles {
    public static final String MANAGER = "manager";
    public static final String SYSTEM = "system";

    /** Every role the contract knows; a key with any other role can never be used. */
    public static final Set<String> ALL = Set.of(MANAGER, SYSTEM);

    static final Set<String> MANAGER_ONLY = Set.of(MANAGER);
    static final Set<String> MANAGER_OR_SYSTEM = ALL;

    private Roles() {
    }
}
