package dev.palisade.filters.testing;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.util.function.Consumer;

/**
 * An application's async listener that tells {@code heard} each event by name ({@code complete},
 * {@code timeout}, {@code error}); not re-added for a later cycle.
 */
public final class EventRecordingListener implements AsyncListener {
    private final Consumer<String> heard;

    public EventRecordingListener(Consumer<String> heard) {
        this.heard = heard;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        heard.accept("complete");
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        heard.accept("timeout");
    }

    @Override
    public void onError(AsyncEvent event) {
        heard.accept("error");
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // Not re-added: one cycle's listener.
    }
}
