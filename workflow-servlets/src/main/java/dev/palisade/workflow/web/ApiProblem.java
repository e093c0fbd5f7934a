package dev.palisade.workflow.web;

import java.util.Map;

/**
 * A client error answered as a problem body: a status and a fixed detail sentence that names a
 * field at most (never parser or exception text), and any response header fields that tell the
 * client what would be accepted instead. Thrown from request handling; {@link ApiServlet} answers it.
 */
public final class ApiProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, String> headers;

    public ApiProblem(int status, String fixedDetail) {
        this(status, fixedDetail, Map.of());
    }

    /** A problem whose answer also carries {@code headers} (for example {@code Accept-Encoding} with a 415). */
    public ApiProblem(int status, String fixedDetail, Map<String, String> headers) {
        super(fixedDetail, null, false, false);
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException("An API problem is a 4xx, not " + status);
        }
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public static ApiProblem badRequest(String fixedDetail) {
        return new ApiProblem(400, fixedDetail);
    }

    public int status() {
        return status;
    }

    public String detail() {
        return getMessage();
    }

    /** Response header fields to send with the problem. */
    public Map<String, String> headers() {
        return headers;
    }
}
