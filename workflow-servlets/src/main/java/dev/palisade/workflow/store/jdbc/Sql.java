package dev.palisade.workflow.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.palisade.workflow.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Thin JDBC helper over one connection: binds parameters, maps rows, and turns {@link SQLException} into
 * {@link StoreException} naming the statement (never its values). Nulls must be typed ({@link Null}),
 * because PostgreSQL cannot infer the type of an untyped null parameter.
 */
final class Sql {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {
    };

    private final Connection connection;

    Sql(Connection connection) {
        this.connection = connection;
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** A typed SQL NULL parameter. */
    record Null(int sqlType) {
    }

    static final Null NULL_TEXT = new Null(Types.VARCHAR);
    static final Null NULL_BIGINT = new Null(Types.BIGINT);
    static final Null NULL_INTEGER = new Null(Types.INTEGER);

    <T> List<T> list(String sql, RowMapper<T> mapper, Object... params) {
        try (PreparedStatement statement = prepare(sql, params); ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(mapper.map(rows));
            }
            return result;
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** The first row, mapped; empty when there is none or it maps to null. */
    <T> Optional<T> first(String sql, RowMapper<T> mapper, Object... params) {
        try (PreparedStatement statement = prepare(sql, params); ResultSet rows = statement.executeQuery()) {
            return rows.next() ? Optional.ofNullable(mapper.map(rows)) : Optional.empty();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    long count(String sql, Object... params) {
        return first(sql, row -> row.getLong(1), params).orElse(0L);
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the number of rows changed. */
    int update(String sql, Object... params) {
        try (PreparedStatement statement = prepare(sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                bind(statement, i + 1, params[i]);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value == null) {
            throw new IllegalArgumentException("untyped null for parameter " + index + "; use Sql.Null");
        } else if (value instanceof Null typedNull) {
            statement.setNull(index, typedNull.sqlType());
        } else if (value instanceof String text) {
            statement.setString(index, text);
        } else if (value instanceof Long number) {
            statement.setLong(index, number);
        } else if (value instanceof Integer number) {
            statement.setInt(index, number);
        } else if (value instanceof Boolean flag) {
            statement.setBoolean(index, flag);
        } else if (value instanceof Enum<?> constant) {
            statement.setString(index, constant.name());
        } else {
            throw new IllegalArgumentException("unsupported parameter type " + value.getClass().getName());
        }
    }

    static StoreException failure(String sql, SQLException e) {
        return new StoreException("SQL failed (" + e.getMessage() + "): " + sql, e);
    }

    // --- parameter conversions -----------------------------------------------------------------

    static Object text(String value) {
        return value == null ? NULL_TEXT : value;
    }

    static Object millis(Instant value) {
        return value == null ? NULL_BIGINT : value.toEpochMilli();
    }

    static Object integer(Integer value) {
        return value == null ? NULL_INTEGER : value;
    }

    static Object isoDate(LocalDate value) {
        return value == null ? NULL_TEXT : value.toString();
    }

    static String jsonList(Collection<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot encode a list of strings as JSON", e);
        }
    }

    /** A set as a JSON array in sorted order, so equal sets are stored identically. */
    static String jsonSortedSet(Collection<String> values) {
        return jsonList(new TreeSet<>(values));
    }

    // --- column conversions --------------------------------------------------------------------

    static Instant instant(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    static Integer nullableInt(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }

    static LocalDate date(ResultSet row, String column) throws SQLException {
        String value = row.getString(column);
        return value == null ? null : LocalDate.parse(value);
    }

    static <E extends Enum<E>> E enumValue(ResultSet row, String column, Class<E> type) throws SQLException {
        return Enum.valueOf(type, row.getString(column));
    }

    static List<String> stringList(ResultSet row, String column) throws SQLException {
        String value = row.getString(column);
        try {
            return JSON.readValue(value, STRING_LIST);
        } catch (JsonProcessingException e) {
            throw new StoreException("column " + column + " holds no JSON list of strings", e);
        }
    }
}
