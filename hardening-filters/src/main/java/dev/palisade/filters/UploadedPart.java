package dev.palisade.filters;

import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * One part of a multipart body parsed by {@link MultipartParser}: small parts in memory, larger ones
 * in a temporary file that {@link #delete()} (called by the filter when the request ends) removes.
 */
final class UploadedPart implements Part {
    private final String name;
    private final String submittedFileName;
    private final List<String[]> headers;
    private final byte[] bytes;
    private final long size;
    private final Path location;
    /** The temporary file, this filter's to delete; {@code null} once moved away or deleted. */
    private Path file;
    /** Where {@link #write} moved the temporary file: the application's now, never deleted here. */
    private Path written;

    UploadedPart(String name, String submittedFileName, List<String[]> headers, byte[] bytes, Path file, long size,
            Path location) {
        this.name = name;
        this.submittedFileName = submittedFileName;
        this.headers = List.copyOf(headers);
        this.bytes = bytes;
        this.file = file;
        this.size = size;
        this.location = location;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(content());
    }

    /**
     * Where the content is on disk: after {@link #write} the written file, as on Jetty (Tomcat's
     * part throws there, its file gone).
     */
    private synchronized Path content() throws IOException {
        if (file != null) {
            return file;
        }
        if (written != null) {
            return written;
        }
        throw new IOException("The part's temporary file was deleted");
    }

    /** The content as text, for form fields. */
    String text(Charset fallback) throws IOException {
        Charset charset = MultipartParser.charsetOf(getContentType(), fallback);
        byte[] content = bytes != null ? bytes : Files.readAllBytes(content());
        return FormUrlEncoded.decodeBytes(content, charset);
    }

    boolean isFormField() {
        return submittedFileName == null;
    }

    @Override
    public String getContentType() {
        return getHeader("Content-Type");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getSubmittedFileName() {
        return submittedFileName;
    }

    @Override
    public long getSize() {
        return size;
    }

    @Override
    public synchronized void write(String fileName) throws IOException {
        Path target = Path.of(fileName);
        if (!target.isAbsolute()) {
            target = location.resolve(target);
        }
        if (bytes != null) {
            Files.write(target, bytes);
        } else if (file != null) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            // The file now belongs to the application; delete() must not remove it.
            file = null;
            written = target;
        } else if (written != null) {
            // Written before: moved on from there, as Jetty does.
            if (!target.equals(written)) {
                Files.move(written, target, StandardCopyOption.REPLACE_EXISTING);
                written = target;
            }
        } else {
            throw new IOException("The part's temporary file was deleted");
        }
    }

    @Override
    public synchronized void delete() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
            file = null;
        }
    }

    @Override
    public String getHeader(String headerName) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(headerName)) {
                return h[1];
            }
        }
        return null;
    }

    @Override
    public Collection<String> getHeaders(String headerName) {
        List<String> values = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(headerName)) {
                values.add(h[1]);
            }
        }
        return values;
    }

    @Override
    public Collection<String> getHeaderNames() {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String[] h : headers) {
            names.add(h[0].toLowerCase(Locale.ROOT));
        }
        return names;
    }
}
