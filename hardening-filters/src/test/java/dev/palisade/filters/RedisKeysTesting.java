package dev.palisade.filters;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisKeyCommands;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's own keys, found with {@code SCAN}: Lettuce 7 changed {@code KEYS}'s signature
 * ({@code keys(K)} became {@code keys(String)}), so test classes compiled against 6.x that call it
 * fail on 7.x, and the build runs the Redis tests on both.
 */
final class RedisKeysTesting {
    private RedisKeysTesting() {
    }

    static List<String> matching(RedisKeyCommands<String, String> commands, String pattern) {
        List<String> keys = new ArrayList<>();
        ScanIterator<String> scan = ScanIterator.scan(commands, ScanArgs.Builder.matches(pattern).limit(1_000));
        scan.forEachRemaining(keys::add);
        return keys;
    }
}
