/**
 * Outgoing email: the workflow only enqueues rows in the store's outbox; the
 * {@link dev.palisade.workflow.email.OutboxSender} delivers them through an
 * {@link dev.palisade.workflow.email.EmailTransport} ({@link dev.palisade.workflow.email.HttpEmailTransport}
 * posts JSON to {@code EMAIL_URL}), retrying with {@link dev.palisade.workflow.email.Backoff} until the
 * service accepts. Each row is marked sent only after a 2xx and is always sent with its id as
 * {@code Idempotency-Key}: never lost, never delivered twice. Without {@code EMAIL_URL}
 * ({@link dev.palisade.workflow.email.EmailConfig#fromEnvironment} is empty) no sender runs and the
 * outbox simply keeps its rows.
 */
package dev.palisade.workflow.email;
