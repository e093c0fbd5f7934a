package dev.palisade.server;

/** Placeholder until this module is built (see the open issues); names the module for now. */
public final class ModuleInfo {
    public static final String NAME = "example-server";

    private ModuleInfo() {
    }
}
