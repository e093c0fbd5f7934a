package dev.palisade.filters;

import jakarta.servlet.AsyncListener;

/**
 * An {@link AsyncListener} of the kit's own filters (the error boundary's, the access log's). The error boundary keeps the application's listeners to tell them of a cycle
 * whose connection it broke on Jetty (see {@link ApplicationListeners}); the kit's own are added
 * through the same wrappers and are left out by this mark.
 */
interface KitAsyncListener extends AsyncListener {
}
