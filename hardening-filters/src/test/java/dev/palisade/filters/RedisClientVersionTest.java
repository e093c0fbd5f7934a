package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;

/**
 * The Redis tests of a run really use the Lettuce the run expects: 6.x by default, 7.x in the
 * build's {@code lettuce-7} run, which says so in a property of its own, so that losing the
 * classpath swap fails the run instead of testing 6.x twice.
 */
class RedisClientVersionTest {
    @Test
    void lettuceIsTheExpectedMajorVersion() {
        String expected = System.getProperty("palisade.test.lettuce.expected", "6.");

        assertThat(RedisClient.class.getPackage().getImplementationVersion()).startsWith(expected);
    }
}
