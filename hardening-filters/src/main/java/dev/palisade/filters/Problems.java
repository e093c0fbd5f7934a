package dev.palisade.filters;

/**
 * Every title and detail sentence the kit answers with, in one place. Details are fixed and
 * generic on purpose: they never carry exception text, class names, paths or SQL.
 */
public final class Problems {
    private Problems() {
    }

    /**
     * The reason phrase IANA's HTTP status code registry gives {@code status} (RFC 9457 asks that an
     * {@code about:blank} problem's title be that phrase); a generic one for an unregistered code.
     */
    public static String title(int status) {
        switch (status) {
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 402: return "Payment Required";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 406: return "Not Acceptable";
            case 407: return "Proxy Authentication Required";
            case 408: return "Request Timeout";
            case 409: return "Conflict";
            case 410: return "Gone";
            case 411: return "Length Required";
            case 412: return "Precondition Failed";
            case 413: return "Content Too Large";
            case 414: return "URI Too Long";
            case 415: return "Unsupported Media Type";
            case 416: return "Range Not Satisfiable";
            case 417: return "Expectation Failed";
            case 421: return "Misdirected Request";
            case 422: return "Unprocessable Content";
            case 423: return "Locked";
            case 424: return "Failed Dependency";
            case 425: return "Too Early";
            case 426: return "Upgrade Required";
            case 428: return "Precondition Required";
            case 429: return "Too Many Requests";
            case 431: return "Request Header Fields Too Large";
            case 451: return "Unavailable For Legal Reasons";
            case 500: return "Internal Server Error";
            case 501: return "Not Implemented";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            case 505: return "HTTP Version Not Supported";
            case 506: return "Variant Also Negotiates";
            case 507: return "Insufficient Storage";
            case 508: return "Loop Detected";
            case 511: return "Network Authentication Required";
            default: return status < 500 ? "Client Error" : "Server Error";
        }
    }

    /** A fixed, generic sentence for {@code status}. */
    public static String detail(int status) {
        switch (status) {
            case 400: return "The request is malformed.";
            case 401: return "Authentication is required to access this resource.";
            case 403: return "Access to this resource is forbidden.";
            case 404: return "No resource exists at this path.";
            case 405: return "This method is not allowed for this resource.";
            case 406: return "No acceptable representation is available.";
            case 408: return "The request took too long to arrive.";
            case 409: return "The request conflicts with the current state of the resource.";
            case 410: return "The resource is no longer available.";
            case 411: return "The request must state its length.";
            case 413: return "The request body exceeds the size limit for this path.";
            case 414: return "The request target is too long.";
            case 415: return "The content type is not supported.";
            case 421: return "The request was sent to a server that cannot answer it.";
            case 422: return "The request is well-formed but cannot be processed.";
            case 429: return "Too many requests; retry after the delay given in Retry-After.";
            case 431: return "The request header fields are too large.";
            case 500: return "An unexpected error occurred. Quote the request id when reporting it.";
            case 503: return "The service is temporarily unavailable.";
            default:
                return status < 500 ? "The request cannot be processed."
                        : "The server could not complete the request. Quote the request id when reporting it.";
        }
    }
}
