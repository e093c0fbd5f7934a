package dev.palisade.filters;

import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;

/**
 * Warns, once, when the container's remote address looks taken from the left-most entry of
 * {@code X-Forwarded-For} or {@code Forwarded}: the entry the client wrote, which a proxy that
 * appends its own leaves in place. Jetty's {@code ForwardedRequestCustomizer} does that with its
 * defaults, and then every client chooses its own rate-limit identity, per request if it likes; no
 * setting of the limiter can see the real peer again. Only a list of two or more entries counts (a
 * single one is also what a proxy writes), so a client that lists its own address first can raise
 * the warning falsely, once.
 *
 * <p>Checked on the first request and then on one in {@value #SAMPLE_EVERY} at random: a header
 * lookup on every request would put a cost on the hot path for a warning that fires once, and so
 * would a counter every request thread writes. It never checks again after warning.
 */
final class ForwardedPeerCheck {
    static final int SAMPLE_EVERY = 256;

    private final Logger log;
    private volatile boolean firstChecked;
    private volatile boolean warned;

    ForwardedPeerCheck(Logger log) {
        this.log = log;
    }

    void sample(HttpServletRequest request) {
        if (warned || (firstChecked && ThreadLocalRandom.current().nextInt(SAMPLE_EVERY) != 0)) {
            return;
        }
        firstChecked = true;
        IpAddress peer = IpAddress.parse(request.getRemoteAddr());
        if (peer == null) {
            return;
        }
        String header;
        if (peer.equals(leftMostOfList(request.getHeader(ClientResolvers.X_FORWARDED_FOR)))) {
            header = ClientResolvers.X_FORWARDED_FOR;
        } else if (peer.equals(leftMostForwardedFor(request.getHeader("Forwarded")))) {
            header = "Forwarded";
        } else {
            return;
        }
        warned = true;
        log.warn("The remote address of request {} is the left-most {} entry, which the client writes: the container "
                + "took it from the header, so every client can choose its own rate-limit identity. Jetty's "
                + "ForwardedRequestCustomizer does this unless setForwardedForHeader(null) and setForwardedHeader(null) "
                + "keep the peer; so do Undertow's ProxyPeerAddressHandler, WildFly's proxy-address-forwarding=true, "
                + "Quarkus's quarkus.http.proxy.proxy-address-forwarding=true and Spring Boot's server.forward-headers-strategy=native on Jetty or Undertow. Keep the peer and set "
                + "trustedProxies, which reads the header from the right. (Said once by this limiter.)",
                RequestIds.of(request), header);
    }

    /** The first of two or more comma-separated addresses, or {@code null}. */
    private static IpAddress leftMostOfList(String value) {
        int comma = value == null ? -1 : value.indexOf(',');
        return comma < 0 ? null : IpAddress.parse(value, 0, comma);
    }

    /** The {@code for=} address of the first of two or more {@code Forwarded} elements, or {@code null}. */
    private static IpAddress leftMostForwardedFor(String value) {
        int comma = value == null ? -1 : value.indexOf(',');
        if (comma < 0) {
            return null;
        }
        for (String pair : value.substring(0, comma).split(";", -1)) {
            String trimmed = pair.strip();
            if (trimmed.regionMatches(true, 0, "for=", 0, 4)) {
                String address = trimmed.substring(4);
                if (address.length() >= 2 && address.startsWith("\"") && address.endsWith("\"")) {
                    address = address.substring(1, address.length() - 1);
                }
                return IpAddress.parse(address);
            }
        }
        return null;
    }
}
