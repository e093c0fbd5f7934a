package dev.palisade.workflow.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.palisade.workflow.EnvironmentValues;
import dev.palisade.workflow.domain.Conversation;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.Store;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Active conversations, bounded in size ({@code SESSION_MAX_ENTRIES}) and idle time
 * ({@code SESSION_TTL_MINUTES}). It only saves a store read: a miss — never seen, evicted or
 * expired — reloads the conversation from the store, so an eviction loses nothing but the debug
 * analyses. Unknown ids are not cached, so probing random ids cannot fill it.
 *
 * <p>Maintenance runs on the calling thread ({@code executor(Runnable::run)}), so evictions are
 * counted deterministically; the {@link Ticker} is injectable so expiry is tested without waiting.
 */
public final class ConversationCache {
    private final Store store;
    private final Cache<ConversationKey, ActiveConversation> cache;
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong loads = new AtomicLong();

    public ConversationCache(Store store, Settings settings, Ticker ticker) {
        this.store = Objects.requireNonNull(store, "store");
        Objects.requireNonNull(settings, "settings");
        this.cache = Caffeine.newBuilder()
                .expireAfterAccess(settings.ttl())
                .maximumSize(settings.maxEntries())
                .executor(Runnable::run)
                .ticker(Objects.requireNonNull(ticker, "ticker"))
                .removalListener((ConversationKey key, ActiveConversation value, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        evictions.incrementAndGet();
                    }
                })
                .build();
    }

    /** With the system ticker. */
    public ConversationCache(Store store, Settings settings) {
        this(store, settings, Ticker.systemTicker());
    }

    /** The conversation, from the cache or else the store; empty when the team has no such conversation. */
    public Optional<ActiveConversation> get(Team team, String conversationId) {
        // Caffeine stores nothing when the loader returns null: unknown ids stay out of the cache.
        return Optional.ofNullable(cache.get(new ConversationKey(team, conversationId), this::load));
    }

    /** The entry if it is cached right now, without loading it (for debug traces). */
    public Optional<ActiveConversation> peek(Team team, String conversationId) {
        return Optional.ofNullable(cache.getIfPresent(new ConversationKey(team, conversationId)));
    }

    /** Caches a conversation just created, so its next message needs no store read. */
    public ActiveConversation put(Team team, Conversation conversation) {
        ActiveConversation active = new ActiveConversation(conversation);
        cache.put(new ConversationKey(team, conversation.id()), active);
        return active;
    }

    private ActiveConversation load(ConversationKey key) {
        ActiveConversation loaded = store.inTeam(key.team(), tx -> tx.conversation(key.conversationId()))
                .map(ActiveConversation::new)
                .orElse(null);
        if (loaded != null) {
            loads.incrementAndGet();
        }
        return loaded;
    }

    /** Entries now, after pending maintenance (for metrics and tests). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** Entries evicted for size or idle time since start. */
    public long evictionCount() {
        return evictions.get();
    }

    /** Conversations read from the store on a miss since start. */
    public long loadCount() {
        return loads.get();
    }

    /** Runs pending evictions now. */
    public void cleanUp() {
        cache.cleanUp();
    }

    /**
     * Cache bounds.
     *
     * @param ttl        how long an unused conversation stays ({@code SESSION_TTL_MINUTES}, default 30 minutes)
     * @param maxEntries the most conversations kept ({@code SESSION_MAX_ENTRIES}, default 10,000)
     */
    public record Settings(Duration ttl, long maxEntries) {
        public static final long DEFAULT_TTL_MINUTES = 30;
        public static final long DEFAULT_MAX_ENTRIES = 10_000;
        /** A year: longer only served to overflow the minutes' conversion (an uncaught ArithmeticException at start). */
        public static final long MAX_TTL_MINUTES = 525_600;

        public Settings {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("SESSION_TTL_MINUTES must be at least 1");
            }
            if (maxEntries < 1) {
                throw new IllegalArgumentException("SESSION_MAX_ENTRIES must be at least 1");
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(DEFAULT_TTL_MINUTES), DEFAULT_MAX_ENTRIES);
        }

        /**
         * From {@code SESSION_TTL_MINUTES} and {@code SESSION_MAX_ENTRIES} read through {@code env};
         * a value that is not a whole number >= 1 (for the minutes, at most {@link #MAX_TTL_MINUTES})
         * throws, naming the variable and value.
         */
        public static Settings fromEnvironment(Function<String, String> env) {
            long minutes = positive(env, "SESSION_TTL_MINUTES", DEFAULT_TTL_MINUTES, MAX_TTL_MINUTES);
            long entries = positive(env, "SESSION_MAX_ENTRIES", DEFAULT_MAX_ENTRIES, Long.MAX_VALUE);
            return new Settings(Duration.ofMinutes(minutes), entries);
        }

        private static long positive(Function<String, String> env, String name, long fallback, long max) {
            return EnvironmentValues.wholeNumber(env, name, fallback, 1, max,
                    max == Long.MAX_VALUE ? "a whole number >= 1" : "a whole number from 1 to " + max);
        }
    }
}
