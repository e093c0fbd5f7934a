package dev.palisade.workflow;

/** Placeholder until this module is built (see the open issues); names the module for now. */
public final class ModuleInfo {
    public static final String NAME = "workflow-servlets";

    private ModuleInfo() {
    }
}
