/** A Jetty 12 (ee10) application on the module path that installs the kit: the module path smoke test's server. */
module palisade.smoke {
    requires dev.palisade.filters;
    requires org.eclipse.jetty.ee10.servlet;
    requires org.eclipse.jetty.http2.server;
    requires org.eclipse.jetty.server;
    requires org.slf4j;
}
