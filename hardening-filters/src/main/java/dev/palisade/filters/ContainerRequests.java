package dev.palisade.filters;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;

/** The container's own request under the wrappers filters put around it, for its container-specific methods. */
final class ContainerRequests {
    private ContainerRequests() {
    }

    /** {@code request} with every {@link ServletRequestWrapper} taken off. */
    static ServletRequest unwrapped(ServletRequest request) {
        ServletRequest container = request;
        while (container instanceof ServletRequestWrapper wrapper) {
            container = wrapper.getRequest();
        }
        return container;
    }
}
