package dev.palisade.workflow.uploads;

/** The upload is larger than the configured limit; answer 413. Nothing of it is left on disk. */
public final class UploadTooLargeException extends UploadRejectedException {
    private static final long serialVersionUID = 1L;

    private final long maxBytes;

    public UploadTooLargeException(long maxBytes) {
        super("The file is larger than the upload limit of " + maxBytes + " bytes.");
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public int status() {
        return 413;
    }
}
