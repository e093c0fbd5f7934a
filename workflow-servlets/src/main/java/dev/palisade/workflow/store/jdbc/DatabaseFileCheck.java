package dev.palisade.workflow.store.jdbc;

import dev.palisade.workflow.store.StoreStartupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Checks an existing database file before anything else touches it: it must be a SQLite database that
 * passes {@code PRAGMA quick_check}. A failure stops start-up with one line for the operator and leaves
 * the file as it is; the store never resets or re-creates a database it cannot read.
 */
final class DatabaseFileCheck {
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_NOTADB = 26;
    private static final int MAX_REPORTED_PROBLEMS = 3;

    private DatabaseFileCheck() {
    }

    /** Verifies {@code file} if it exists; a missing file is a new database and passes. */
    static void verify(Path file) {
        if (!Files.exists(file)) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            throw new StoreStartupException("Database path " + file + " is not a regular file");
        }
        if (!Files.isReadable(file) || !Files.isWritable(file)) {
            throw new StoreStartupException("Database file " + file + " is not readable and writable by this process");
        }
        SQLiteConfig config = new SQLiteConfig();
        // Never create: the file exists, and if it vanished meanwhile that is an error, not a new database.
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        List<String> problems = new ArrayList<>();
        try (Connection connection = config.createConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA quick_check")) {
            while (rows.next() && problems.size() < MAX_REPORTED_PROBLEMS) {
                problems.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreStartupException(describe(file, e), e);
        }
        if (!problems.equals(List.of("ok"))) {
            throw new StoreStartupException("Database file " + file + " failed its integrity check (" + String.join("; ", problems)
                    + "); Palisade will not reset it: restore it from a backup or move it aside");
        }
    }

    private static String describe(Path file, SQLException e) {
        String advice = "; Palisade will not reset it: restore it from a backup or move it aside";
        switch (e.getErrorCode() & 0xff) {
            case SQLITE_NOTADB:
                return "Database file " + file + " is not a valid SQLite database" + advice;
            case SQLITE_CORRUPT:
                return "Database file " + file + " is corrupt (" + e.getMessage() + ")" + advice;
            case SQLITE_CANTOPEN:
                return "Database file " + file + " cannot be opened (" + e.getMessage() + ")";
            default:
                return "Database file " + file + " cannot be read (" + e.getMessage() + ")";
        }
    }
}
