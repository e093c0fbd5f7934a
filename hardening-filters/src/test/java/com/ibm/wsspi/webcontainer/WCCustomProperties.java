package com.ibm.wsspi.webcontainer;

/** Stands in for Open Liberty's web container settings, by name, for UnknownContainerTest. */
public final class WCCustomProperties {
    /** Liberty's default: the response is flushed as soon as the servlet returns. */
    public static final boolean INVOKE_FLUSH_AFTER_SERVICE = true;

    private WCCustomProperties() {
    }
}
