package dev.palisade.workflow.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.palisade.workflow.analysis.Analysis;
import dev.palisade.workflow.analysis.Intent;
import dev.palisade.workflow.domain.Client;
import dev.palisade.workflow.domain.Conversation;
import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.EventStatus;
import dev.palisade.workflow.domain.Ids;
import dev.palisade.workflow.domain.Step;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.jdbc.SqliteStores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationCacheTest {
    private static final Team A = new Team("team-a");
    private static final Team B = new Team("team-b");
    private static final Instant NOW = Instant.parse("2027-03-01T09:00:00Z");

    @TempDir
    Path dir;
    private Store store;
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;

    @BeforeEach
    void open() {
        store = SqliteStores.open(dir, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Conversation conversation(Team team, String email) {
        return store.inTeam(team, tx -> {
            Client client = tx.findOrCreateClient(email, null, NOW);
            Event event = new Event(Ids.newId(), client.id(), EventStatus.LEAD, Step.INTAKE, null, false, null,
                    List.of(), null, NOW, NOW);
            tx.insertEvent(event);
            return tx.createConversation(client.id(), event.id(), NOW);
        });
    }

    private ConversationCache cache(long maxEntries, Duration ttl) {
        return new ConversationCache(store, new ConversationCache.Settings(ttl, maxEntries), ticker);
    }

    @Test
    void loadsAConversationFromTheStoreOnAMissAndKeepsIt() {
        Conversation stored = conversation(A, "a@example.com");
        ConversationCache cache = cache(10, Duration.ofMinutes(30));
        assertThat(cache.get(A, stored.id())).map(ActiveConversation::conversation).contains(stored);
        assertThat(cache.get(A, stored.id())).isPresent();
        assertThat(cache.loadCount()).isEqualTo(1);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void doesNotFindAnotherTeamsConversationNorCacheUnknownIds() {
        Conversation stored = conversation(A, "a@example.com");
        ConversationCache cache = cache(10, Duration.ofMinutes(30));
        assertThat(cache.get(B, stored.id())).isEmpty();
        assertThat(cache.get(A, "no-such-id")).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void evictsBeyondItsSizeAndReloadsFromTheStore() {
        ConversationCache cache = cache(2, Duration.ofMinutes(30));
        List<Conversation> stored = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Conversation conversation = conversation(A, "c" + i + "@example.com");
            stored.add(conversation);
            cache.put(A, conversation);
        }
        cache.cleanUp();
        assertThat(cache.size()).isLessThanOrEqualTo(2);
        assertThat(cache.evictionCount()).isGreaterThanOrEqualTo(4);
        // Which entries go is Caffeine's choice (W-TinyLFU); take one that went.
        Conversation evicted = stored.stream().filter(c -> cache.peek(A, c.id()).isEmpty()).findFirst().orElseThrow();
        long loads = cache.loadCount();
        // Only the cache was lost: the conversation comes back from the store.
        assertThat(cache.get(A, evicted.id())).map(ActiveConversation::conversation).contains(evicted);
        assertThat(cache.loadCount()).isEqualTo(loads + 1);
    }

    @Test
    void expiresIdleConversationsByTheTicker() {
        ConversationCache cache = cache(100, Duration.ofMinutes(30));
        Conversation stored = conversation(A, "a@example.com");
        cache.put(A, stored);
        nanos.addAndGet(Duration.ofMinutes(29).toNanos());
        assertThat(cache.get(A, stored.id())).isPresent();
        assertThat(cache.loadCount()).as("still cached: access renews it").isZero();
        nanos.addAndGet(Duration.ofMinutes(31).toNanos());
        cache.cleanUp();
        assertThat(cache.evictionCount()).isEqualTo(1);
        assertThat(cache.size()).isZero();
        assertThat(cache.get(A, stored.id())).isPresent();
        assertThat(cache.loadCount()).isEqualTo(1);
    }

    @Test
    void keepsOnlyTheLastFewAnalyses() {
        ConversationCache cache = cache(10, Duration.ofMinutes(30));
        ActiveConversation active = cache.put(A, conversation(A, "a@example.com"));
        for (int guests = 1; guests <= 8; guests++) {
            active.recordAnalysis(new Analysis(Intent.ENQUIRY, null, guests, List.of(), "rules"));
        }
        assertThat(active.recentAnalyses()).extracting(Analysis::guests).containsExactly(4, 5, 6, 7, 8);
    }

    @Test
    void readsItsBoundsFromTheEnvironment() {
        Function<String, String> env = name -> switch (name) {
            case "SESSION_TTL_MINUTES" -> "5";
            case "SESSION_MAX_ENTRIES" -> "20";
            default -> null;
        };
        assertThat(ConversationCache.Settings.fromEnvironment(env))
                .isEqualTo(new ConversationCache.Settings(Duration.ofMinutes(5), 20));
        assertThat(ConversationCache.Settings.fromEnvironment(name -> null)).isEqualTo(ConversationCache.Settings.defaults());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConversationCache.Settings.fromEnvironment(
                name -> "SESSION_MAX_ENTRIES".equals(name) ? "0" : null))
                .hasMessageContaining("SESSION_MAX_ENTRIES").hasMessageContaining("\"0\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConversationCache.Settings.fromEnvironment(
                name -> "SESSION_TTL_MINUTES".equals(name) ? "ten" : null))
                .hasMessageContaining("SESSION_TTL_MINUTES");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConversationCache.Settings.fromEnvironment(
                name -> "SESSION_TTL_MINUTES".equals(name) ? "+30" : null))
                .hasMessage("Invalid value for SESSION_TTL_MINUTES: \"+30\" (expected a whole number from 1 to 525600)");
    }
}
