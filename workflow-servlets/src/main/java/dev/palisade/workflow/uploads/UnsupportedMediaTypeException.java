package dev.palisade.workflow.uploads;

/**
 * The upload's bytes are not an allowed type, or the declared {@code Content-Type} disagrees with
 * them; answer 415. Nothing of it is left on disk.
 */
public final class UnsupportedMediaTypeException extends UploadRejectedException {
    private static final long serialVersionUID = 1L;

    /** Why, for the caller's metrics and for tests; each reason has its own fixed detail sentence. */
    public enum Reason {
        /** The bytes are none of PDF, PNG, JPEG or UTF-8 text. */
        NOT_ALLOWED("Only PDF, PNG, JPEG and UTF-8 plain text files are accepted."),
        /** The declared type names another type than the bytes are. */
        DECLARED_TYPE_MISMATCH("The declared content type does not match the file's content."),
        /** The file has no content. */
        EMPTY("The file is empty.");

        private final String detail;

        Reason(String detail) {
            this.detail = detail;
        }
    }

    private final Reason reason;

    public UnsupportedMediaTypeException(Reason reason) {
        super(reason.detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public int status() {
        return 415;
    }
}
