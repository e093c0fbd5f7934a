package dev.palisade.workflow.web;

/**
 * A client error answered as a problem body: a status and a fixed detail sentence that names a
 * field at most (never parser or exception text). Thrown from request handling; {@link ApiServlet}
 * answers it.
 */
public final class ApiProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public ApiProblem(int status, String fixedDetail) {
        super(fixedDetail, null, false, false);
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException("An API problem is a 4xx, not " + status);
        }
        this.status = status;
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
}
