/**
 * Uploads: {@link dev.palisade.workflow.uploads.UploadStorage} streams a file to
 * {@code <root>/<team>/<random id>.<ext>} with a bounded buffer, the type sniffed from the bytes
 * ({@link dev.palisade.workflow.uploads.TypeSniffer}: PDF, PNG, JPEG, UTF-8 text), the size counted
 * against the limit and a SHA-256 computed on the way. A rejection is an
 * {@link dev.palisade.workflow.uploads.UploadRejectedException} carrying its HTTP status (413 or 415)
 * and a fixed sentence for the problem body; nothing of a rejected upload stays on disk.
 */
package dev.palisade.workflow.uploads;
