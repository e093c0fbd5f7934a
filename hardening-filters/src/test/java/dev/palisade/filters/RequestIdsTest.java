package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
    /**
     * A fresh id is 32 hex digits of which both halves carry their 64 random bits: ids that shared
     * a half, or used a few bits of it, would make two requests' log lines look like one request's
     * (a mutated digit extraction kept the format and gave 256 distinct ids in all).
     */
    @Test
    void freshIdsAreDistinctInEachHalf() {
        Set<String> high = new HashSet<>();
        Set<String> low = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String id = RequestIds.newId();
            assertThat(id).matches("[0-9a-f]{32}");
            high.add(id.substring(0, 16));
            low.add(id.substring(16));
        }
        assertThat(high).hasSize(2_000);
        assertThat(low).hasSize(2_000);
    }
}
