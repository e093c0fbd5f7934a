/**
 * The workflow store on JDBC: one {@link dev.palisade.workflow.store.jdbc.JdbcStore} with portable SQL in
 * {@code JdbcTeamStore}, and per database a {@link dev.palisade.workflow.store.jdbc.Dialect} plus its
 * Flyway migrations ({@code db/migration/<dialect>}). The embedded default is SQLite, opened with
 * {@link dev.palisade.workflow.store.jdbc.SqliteStores#open(java.nio.file.Path, java.time.Clock)}.
 */
package dev.palisade.workflow.store.jdbc;
