package dev.palisade.workflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.StoreStartupException;
import dev.palisade.workflow.store.TeamStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child JVM owns the store, writes and acknowledges, and is killed with SIGKILL mid-stream. */
class CrashDurabilityTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration LINE_TIMEOUT = Duration.ofSeconds(30);
    private static final int ACKS_BEFORE_KILL = 40;
    private static final Team TEAM = new Team("durable");

    @TempDir
    Path workDir;

    @Test
    void everyAcknowledgedWriteSurvivesKillNineAndTheLockDoesNotOutliveTheProcess() throws Exception {
        Path dataDir = workDir.resolve("data");
        List<String> acknowledged;
        long childPid;
        try (ChildStoreProcess child = ChildStoreProcess.start("write", dataDir, workDir)) {
            childPid = child.pid();
            child.awaitLine(StoreChildMain.READY::equals, START_TIMEOUT);

            // While the child owns DATA_DIR this JVM is refused, with the owner named.
            assertThatThrownBy(() -> SqliteStores.open(dataDir, Clock.systemUTC()))
                    .isInstanceOf(StoreStartupException.class)
                    .hasMessageContaining("Data directory " + dataDir.toRealPath())
                    .hasMessageContaining("is in use by another Palisade process (pid " + childPid + ")");

            for (int i = 0; i < ACKS_BEFORE_KILL; i++) {
                child.awaitLine(line -> line.startsWith(StoreChildMain.ACK), LINE_TIMEOUT);
            }
            child.kill();
            acknowledged = child.linesAfterExit().stream()
                    .filter(line -> line.startsWith(StoreChildMain.ACK))
                    .map(line -> line.substring(StoreChildMain.ACK.length()))
                    .collect(Collectors.toList());
        }
        System.out.println("child acknowledged " + acknowledged.size() + " writes before SIGKILL");
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL).doesNotHaveDuplicates();
        assertThat(Files.readString(dataDir.resolve(DataDirLock.FILE_NAME))).contains("pid=" + childPid);

        // No manual cleanup: the stale lock file is there, the OS lock died with the child.
        try (Store store = SqliteStores.open(dataDir, Clock.systemUTC())) {
            List<String> missing = store.inTeam(TEAM, (TeamStore s) -> acknowledged.stream()
                    .filter(id -> s.event(id).isEmpty())
                    .collect(Collectors.toList()));
            assertThat(missing).as("acknowledged events lost by the crash").isEmpty();
            assertThat(Files.readString(dataDir.resolve(DataDirLock.FILE_NAME)))
                    .contains("pid=" + ProcessHandle.current().pid());
        }
    }

    @Test
    void anotherProcessIsRefusedWhileThisOneHoldsTheStoreAndAdmittedAfterClose() throws Exception {
        Path dataDir = workDir.resolve("data");
        long ownPid = ProcessHandle.current().pid();
        try (Store store = SqliteStores.open(dataDir, Clock.systemUTC())) {
            // A refused second open in this JVM must not drop the OS lock held by the first.
            assertThatThrownBy(() -> SqliteStores.open(dataDir, Clock.systemUTC()))
                    .isInstanceOf(StoreStartupException.class)
                    .hasMessageContaining("is in use by");
            assertThat(probe(dataDir)).isEqualTo(StoreChildMain.REFUSED + "Data directory " + dataDir.toRealPath()
                    + " is in use by another Palisade process (pid " + ownPid + "); stop it or choose another DATA_DIR");
            assertThat(store.inTeam(TEAM, (TeamStore s) -> s.events(1))).isEmpty();
        }
        assertThat(probe(dataDir)).isEqualTo(StoreChildMain.OPENED);
    }

    private String probe(Path dataDir) throws Exception {
        try (ChildStoreProcess child = ChildStoreProcess.start("probe", dataDir, workDir)) {
            String line = child.awaitLine(l -> l.startsWith(StoreChildMain.OPENED) || l.startsWith(StoreChildMain.REFUSED),
                    START_TIMEOUT);
            assertThat(child.awaitExit()).isZero();
            return line;
        }
    }
}
