package dev.palisade.it;

/** Placeholder until this module is built (see the open issues); names the module for now. */
public final class ModuleInfo {
    public static final String NAME = "integration-tests";

    private ModuleInfo() {
    }
}
