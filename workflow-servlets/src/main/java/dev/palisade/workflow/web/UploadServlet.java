package dev.palisade.workflow.web;

import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.domain.Upload;
import dev.palisade.workflow.uploads.UploadRejectedException;
import dev.palisade.workflow.uploads.UploadStorage;
import dev.palisade.workflow.store.Store;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/uploads} (manager, system): the multipart field {@code file} is streamed into
 * {@link UploadStorage} (type sniffed from the bytes: PDF, PNG, JPEG or UTF-8 text; a declared type
 * that disagrees, or any other type, is 415; over the limit is 413) and recorded in the store →
 * 201 {@code {"uploadId","mediaType","size","sha256"}}.
 *
 * <p>Register it with a {@code MultipartConfigElement} (see {@code WorkflowServlets}): the container
 * keeps small parts in memory and spools larger ones to a temporary file, so memory stays bounded.
 */
public final class UploadServlet extends ApiServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(UploadServlet.class);

    public static final String PATH = "/api/uploads";
    static final String FIELD = "file";

    private final transient Store store;
    private final transient UploadStorage storage;

    public UploadServlet(Json json, Store store, UploadStorage storage) {
        super(json, true);
        this.store = store;
        this.storage = storage;
        routes().add("POST", PATH, Roles.MANAGER_OR_SYSTEM, this::upload);
    }

    /**
     * Whether the container gave up on a body that arrived too slowly: a read timeout (Tomcat's
     * {@code SocketTimeoutException}) or a minimum data rate (the reference server's, on Jetty, a
     * {@code TimeoutException}) somewhere among the causes of the container's parse failure.
     */
    static boolean cameTooSlowly(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void upload(Call call) throws IOException {
        String contentType = call.request().getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ApiProblem(415, "The body must be multipart/form-data.");
        }
        Part part;
        try {
            part = call.request().getPart(FIELD);
        } catch (ServletException e) {
            if (cameTooSlowly(e)) {
                throw new ApiProblem(408, "The upload arrived too slowly.");
            }
            throw ApiProblem.badRequest("The multipart body is malformed.");
        } catch (IllegalStateException e) {
            // The container's own size limits (a backstop behind the request size filter).
            throw new ApiProblem(413, "The file exceeds the upload size limit.");
        }
        if (part == null || part.getSubmittedFileName() == null) {
            throw ApiProblem.badRequest("Field 'file' is required.");
        }
        Team team = call.team();
        Upload upload;
        try (InputStream in = part.getInputStream()) {
            upload = storage.store(team, in, part.getContentType(), part.getSubmittedFileName());
        } catch (UploadRejectedException e) {
            throw new ApiProblem(e.status(), e.detail());
        } finally {
            part.delete();
        }
        record(team, upload);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("uploadId", upload.id());
        answer.put("mediaType", upload.mediaType());
        answer.put("size", upload.sizeBytes());
        answer.put("sha256", upload.sha256());
        json.write(call.response(), HttpServletResponse.SC_CREATED, answer);
    }

    private void record(Team team, Upload upload) throws IOException {
        try {
            store.inTeam(team, tx -> {
                tx.insertUpload(upload);
                return null;
            });
        } catch (RuntimeException failure) {
            // No row, no file: a file the store does not know would never be found or removed.
            try {
                storage.delete(team, upload.storedName());
            } catch (IOException cleanup) {
                LOG.warn("Could not delete an unrecorded upload file", cleanup);
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
    }
}
