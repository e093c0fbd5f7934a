package com.ibm.ws.webcontainer.webapp;

import jakarta.servlet.ServletException;

/** Stands in for Open Liberty's wrapper of a servlet's exception, by name, for LibertyFaultsTest. */
public final class WebAppErrorReport extends ServletException {
    private static final long serialVersionUID = 1L;

    public WebAppErrorReport(Throwable cause) {
        super(cause);
    }
}
