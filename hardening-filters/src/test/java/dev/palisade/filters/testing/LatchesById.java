package dev.palisade.filters.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/** One latch (count 1) per request id, made on first use by whichever side comes first: the test or the servlet. */
public final class LatchesById {
    private final Map<String, CountDownLatch> latches = new ConcurrentHashMap<>();

    /** The latch of {@code id}. */
    public CountDownLatch of(String id) {
        return latches.computeIfAbsent(id, key -> new CountDownLatch(1));
    }
}
