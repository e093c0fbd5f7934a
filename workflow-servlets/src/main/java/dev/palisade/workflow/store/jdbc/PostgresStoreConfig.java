package dev.palisade.workflow.store.jdbc;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach the PostgreSQL store.
 *
 * @param jdbcUrl     a {@code jdbc:postgresql://host[:port]/database[?options]} URL, one host, no credentials
 *                    before the host (the driver takes them only as the {@code user} and {@code password} options)
 * @param user        the role to connect as; empty to let the driver decide (URL option, then the OS user)
 * @param password    its password; empty when the server needs none (trust, peer) or the URL carries it
 * @param poolSize    pooled connections of this process; 2 to 64
 * @param lockTimeout how long a writer waits for its team's lock, and any statement for a row lock, before
 *                    failing; 1 second to 5 minutes
 */
public record PostgresStoreConfig(String jdbcUrl, Optional<String> user, Optional<String> password, int poolSize,
        Duration lockTimeout) {

    public static final int DEFAULT_POOL_SIZE = 8;
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);
    private static final String JDBC_PREFIX = "jdbc:postgresql://";

    public PostgresStoreConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        if (!jdbcUrl.startsWith(JDBC_PREFIX) || jdbcUrl.length() == JDBC_PREFIX.length()) {
            throw new IllegalArgumentException("not a jdbc:postgresql:// URL");
        }
        URI uri = parse(jdbcUrl.substring("jdbc:".length()));
        if (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
            // The driver would take "user:password@host" for the host name and repeat it in its "unknown host" error.
            throw new IllegalArgumentException("jdbc:postgresql:// URLs take no credentials before the host:"
                    + " use the ?user=...&password=... options, or the postgres://user:password@host/database form");
        }
        requireHostAndDatabase(uri);
        if (poolSize < 2 || poolSize > 64) {
            throw new IllegalArgumentException("poolSize must be between 2 and 64, was " + poolSize);
        }
        if (lockTimeout.compareTo(Duration.ofSeconds(1)) < 0 || lockTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("lockTimeout must be between 1 second and 5 minutes, was " + lockTimeout);
        }
    }

    /**
     * Reads {@code DATABASE_URL} in either usual form: {@code jdbc:postgresql://host[:port]/db[?options]} (as the
     * driver takes it; {@code user} and {@code password} may be options), or
     * {@code postgres[ql]://[user[:password]@]host[:port]/db[?options]} (as libpq and most platforms write it).
     * Messages never repeat the URL: it may hold a password.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static PostgresStoreConfig fromDatabaseUrl(String databaseUrl) {
        Objects.requireNonNull(databaseUrl, "databaseUrl");
        String url = databaseUrl.trim();
        if (url.startsWith(JDBC_PREFIX)) {
            return new PostgresStoreConfig(url, Optional.empty(), Optional.empty(), DEFAULT_POOL_SIZE,
                    DEFAULT_LOCK_TIMEOUT);
        }
        if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
            throw new IllegalArgumentException("must start with jdbc:postgresql://, postgresql:// or postgres://");
        }
        URI uri = parse(url);
        requireHostAndDatabase(uri);
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            password = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
        }
        String jdbcUrl = JDBC_PREFIX + hostAndPort(uri) + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new PostgresStoreConfig(jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_LOCK_TIMEOUT);
    }

    /** The database for logs and the start-up line: {@code postgres://host:port/database}, no credentials, no options. */
    public String describe() {
        URI uri = parse(jdbcUrl.substring("jdbc:".length()));
        return "postgres://" + hostAndPort(uri) + uri.getRawPath();
    }

    /** Never the password, which a record's generated {@code toString} would print. */
    @Override
    public String toString() {
        return "PostgresStoreConfig[" + describe() + ", user=" + user.orElse("(default)") + ", poolSize=" + poolSize
                + ", lockTimeout=" + lockTimeout + "]";
    }

    private static URI parse(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            // Not chained: the cause's message repeats the URL, password included.
            throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + ")");
        }
    }

    private static void requireHostAndDatabase(URI uri) {
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("names no host");
        }
        String path = uri.getRawPath();
        if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException("names no database (expected /database after the host)");
        }
    }

    private static String hostAndPort(URI uri) {
        return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** Percent-decoding only: a '+' in a user name or password is a plus, not a space. */
    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
