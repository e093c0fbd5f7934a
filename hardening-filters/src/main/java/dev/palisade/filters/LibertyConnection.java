package dev.palisade.filters;

import jakarta.servlet.ServletRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open Liberty's connection of a request, reached by reflection on public methods from the request
 * object Liberty hands the application: the filter jar needs no Liberty classes, and Liberty's
 * bundles export none of them to applications. {@code SRTServletRequest.getIRequest()
 * .getHttpInboundConnection()} is the HTTP dispatcher's link of the connection, and its
 * {@code close(getVirtualConnection(), e)} closes the socket at once: a chunked body under way gets
 * no last chunk, and a request body is left unread. (The link's public {@code finish(e)} would end
 * the response cleanly first, and wait for the rest of a request body with a length.) Over HTTP/2
 * the link is the stream's ({@code H2HttpInboundLinkWrap}), and the same {@code close} resets that
 * stream alone ({@code RST_STREAM}, PROTOCOL_ERROR, Liberty's code for a stream closed with an
 * exception not its own) and leaves the connection and its other streams open.
 */
final class LibertyConnection {
    private static final Logger LOG = LoggerFactory.getLogger(LibertyConnection.class);
    /** The web container's request class, a superclass of the one each Servlet version's feature hands out. */
    private static final String SERVLET_REQUEST = "com.ibm.ws.webcontainer.srt.SRTServletRequest";

    private LibertyConnection() {
    }

    /**
     * Closes the connection of {@code request} (over HTTP/2, its stream) at once, without ending its response.
     *
     * @return whether it was closed; {@code false} for a request that is not Liberty's, or a changed API
     */
    static boolean close(ServletRequest request, Exception reason) {
        ServletRequest container = ContainerRequests.unwrapped(request);
        Class<?> requestClass = servletRequestClass(container);
        if (requestClass == null) {
            return false;
        }
        try {
            Object iRequest = requestClass.getMethod("getIRequest").invoke(container);
            Object link = iRequest.getClass().getMethod("getHttpInboundConnection").invoke(iRequest);
            Method connectionGetter = link.getClass().getMethod("getVirtualConnection");
            Object connection = connectionGetter.invoke(link);
            link.getClass().getMethod("close", connectionGetter.getReturnType(), Exception.class)
                    .invoke(link, connection, reason);
            return true;
        } catch (InvocationTargetException e) {
            LOG.debug("Liberty could not close the connection", e.getCause());
            return false;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.debug("Liberty's connection not reachable from {}", requestClass, e);
            return false;
        }
    }

    /** Liberty's request class among the superclasses of {@code request}'s, or {@code null}. */
    private static Class<?> servletRequestClass(ServletRequest request) {
        for (Class<?> type = request.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(SERVLET_REQUEST)) {
                return type;
            }
        }
        return null;
    }
}
