package dev.palisade.filters;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;

/**
 * An application's listener, handed each event with the async context it should see in place of
 * the one the container put there: a filter's wrapper of that context, which notes or counts what
 * the container's own would not.
 */
abstract class RetargetingListener implements AsyncListener {
    private final AsyncListener listener;

    RetargetingListener(AsyncListener listener) {
        this.listener = listener;
    }

    /** The listener this one hands events to. */
    AsyncListener listener() {
        return listener;
    }

    /** {@code event}, or a copy carrying the context the listener should see. */
    abstract AsyncEvent retarget(AsyncEvent event);

    @Override
    public void onComplete(AsyncEvent event) throws IOException {
        listener.onComplete(retarget(event));
    }

    @Override
    public void onTimeout(AsyncEvent event) throws IOException {
        listener.onTimeout(retarget(event));
    }

    @Override
    public void onError(AsyncEvent event) throws IOException {
        listener.onError(retarget(event));
    }

    @Override
    public void onStartAsync(AsyncEvent event) throws IOException {
        listener.onStartAsync(retarget(event));
    }
}
