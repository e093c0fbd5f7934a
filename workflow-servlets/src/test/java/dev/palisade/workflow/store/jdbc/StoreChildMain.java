package dev.palisade.workflow.store.jdbc;

import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.StoreStartupException;
import dev.palisade.workflow.store.TeamStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Runs in a child JVM started by the durability tests (not a test itself). Protocol on stdout, one line each:
 * <ul>
 *   <li>{@code write DIR}: opens the store, prints {@code READY}, then creates events in a loop and prints
 *       {@code ACK <eventId>} after each commit, until killed (bounded to two minutes);</li>
 *   <li>{@code probe DIR}: tries to open the store and prints {@code OPENED} or {@code REFUSED <message>}.</li>
 * </ul>
 * Other output (logging) goes to stderr.
 */
public final class StoreChildMain {
    static final String READY = "READY";
    static final String ACK = "ACK ";
    static final String OPENED = "OPENED";
    static final String REFUSED = "REFUSED ";

    private static final Team TEAM = new Team("durable");
    private static final Duration MAX_RUN = Duration.ofMinutes(2);

    private StoreChildMain() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Path dataDir = Path.of(args[1]);
        switch (args[0]) {
            case "write" -> write(dataDir, out);
            case "probe" -> probe(dataDir, out);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void write(Path dataDir, PrintStream out) {
        Clock clock = Clock.systemUTC();
        long deadline = System.nanoTime() + MAX_RUN.toNanos();
        try (Store store = SqliteStores.open(dataDir, clock)) {
            out.println(READY);
            for (int i = 0; System.nanoTime() < deadline; i++) {
                String email = "guest" + i + "@example.com";
                Event event = store.inTeam(TEAM, (TeamStore s) -> StoreTestSupport.newEvent(s, email, clock.instant()));
                // Printed only after inTeam returned, i.e. after the commit: this line is the acknowledgement.
                out.println(ACK + event.id());
            }
        }
    }

    private static void probe(Path dataDir, PrintStream out) {
        try (Store store = SqliteStores.open(dataDir, Clock.systemUTC())) {
            out.println(OPENED);
        } catch (StoreStartupException e) {
            out.println(REFUSED + e.getMessage());
        }
    }
}
