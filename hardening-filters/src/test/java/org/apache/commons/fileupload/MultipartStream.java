package org.apache.commons.fileupload;

import java.io.IOException;

/** Stands in for Commons FileUpload's (which Liberty embeds), by name, for LibertyFaultsTest. */
public final class MultipartStream {
    private MultipartStream() {
    }

    /** Its parser's word for a broken body. */
    public static final class MalformedStreamException extends IOException {
        private static final long serialVersionUID = 1L;

        public MalformedStreamException(String message) {
            super(message);
        }
    }
}
