package dev.palisade.filters;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The request the size filter hands on: every way of reading the body goes through one
 * {@link CountingInputStream}.
 *
 * <p>Overriding {@code getInputStream()} alone is not enough: Jetty's and Tomcat's own
 * {@code getReader()}, {@code getParameter*()} and {@code getParts()} read the container's internal
 * stream, never a wrapper's. So this class implements {@code getReader()} on the counting stream,
 * and — for bodies without a {@code Content-Length}, the only ones the container's framing does
 * not already bound — parses {@code application/x-www-form-urlencoded} and
 * {@code multipart/form-data} bodies itself. With a declared length (already checked against the
 * limit) the container parses as usual: it cannot read past that length. (But on Open Liberty,
 * which takes a form cut short for an empty one, the filter parses forms with a length too.)
 */
final class SizeLimitedRequest extends HttpServletRequestWrapper {
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String MULTIPART = "multipart/form-data";

    /**
     * What the body parsers may use. {@code formCharset} decodes a form body that names no charset,
     * as the container itself would (Jetty 12: UTF-8; Tomcat and the Servlet specification:
     * ISO-8859-1), so a form reads the same chunked as with a length. {@code formMethods}: the
     * methods whose form body is parameters ({@code POST} alone on Tomcat, {@code PUT} too on Jetty
     * 12, any on Undertow).
     * {@code formWithoutLengthOnlyChunked}: a form without a length is parameters only when it comes
     * chunked (Tomcat: over HTTP/2, where no body is chunked, it stays for the application to read).
     * {@code queryCharset}: the query string's (UTF-8 on Jetty, Tomcat and Undertow); {@code null}
     * for the request's character encoding, else ISO-8859-1 (Payara, Liberty). {@code brokenEscapes}: what a broken {@code %} escape in the query or form costs (Payara
     * drops the pair; Liberty keeps one cut short; the others refuse the request).
     * {@code formWithLengthParsed}: a form with a length is parsed here too (Liberty, which reads one
     * cut short by the client as no parameters at all, where the others fail the read).
     */
    record BodyOptions(int maxParameters, long multipartThreshold, long maxFormBytes, Path tempDir,
            Charset formCharset, FormMethods formMethods, boolean formWithoutLengthOnlyChunked, Charset queryCharset,
            FormUrlEncoded.BrokenEscapes brokenEscapes, boolean formWithLengthParsed) {
    }

    /** The methods whose form body a container reads as parameters. */
    enum FormMethods {
        POST, POST_AND_PUT, ANY;

        boolean parse(String method) {
            return switch (this) {
                case POST -> "POST".equals(method);
                case POST_AND_PUT -> "POST".equals(method) || "PUT".equals(method);
                case ANY -> true;
            };
        }
    }

    /** Told, on the reading thread, the first time the body passes the limit. */
    interface OverflowHandler {
        void overflowed(SizeLimitedRequest request);
    }

    private enum Reading { NONE, STREAM, READER }

    /**
     * What the one HTTP request's body has given so far, shared by every wrapper of it: after a
     * no-argument {@code startAsync()} and {@code dispatch()}, the next run gets a new wrapper
     * around the container's request, and must find the body as the first run left it (the stream
     * and how far it was read, the parameters and parts parsed), as the container's own request
     * would. Guarded by {@link #lock}: a lock, not the object's monitor, because a parse holds it
     * while it reads the client's body and writes temporary files, and a virtual thread blocked
     * inside {@code synchronized} holds its carrier thread on Java 21 to 23 (a few slow uploads
     * would stall every virtual thread).
     */
    private static final class Body {
        final ReentrantLock lock = new ReentrantLock();
        final long limit;
        final boolean lengthDeclared;
        final BodyOptions options;
        /** The wrapper of the latest run: the one an overflow of the shared stream is answered through. */
        volatile SizeLimitedRequest current;
        /** Volatile for {@link SizeLimitedRequest#exceeded}, which must not wait for a parse in progress. */
        volatile CountingInputStream stream;
        Reading reading = Reading.NONE;
        BufferedReader reader;
        /** The body's own parameters (none when it was read as a stream first), in arrival order. */
        Map<String, String[]> bodyParameters;
        /** Where the request's encoding decodes query strings (Payara, Liberty): the encoding of the first parse. */
        Charset firstQueryCharset;
        /** The query strings {@link #parameters} was made with: a later dispatch may add its own. */
        List<String> parametersQueries;
        Map<String, String[]> parameters;
        /** What {@code getParameterMap()} hands out: its own arrays, which the application may change. */
        Map<String, String[]> handedOutParameters;
        RuntimeException parameterFailure;
        List<UploadedPart> parts;
        Exception partsFailure;
        volatile boolean malformed;
        /** The refusal {@link SizeLimitedRequest#checkPartsCanBeRead} threw, if any. */
        volatile PartsRefusedException partsRefusal;
        /**
         * Set when the filter's own parse of the body passed a limit other than the stream's: the
         * text fields of a multipart body, as parameters, past {@code maxFormBytes}, or a part past
         * the servlet's {@code maxFileSize}.
         */
        volatile boolean parsedTooLarge;
        volatile boolean unsupportedCharset;
        /** A form with a length that was read before this filter: its parameters are the container's. */
        volatile boolean formReadBefore;
        /** Whether the filter has counted this request as rejected. */
        final AtomicBoolean rejectionRecorded = new AtomicBoolean();

        Body(long limit, boolean lengthDeclared, BodyOptions options) {
            this.limit = limit;
            this.lengthDeclared = lengthDeclared;
            this.options = options;
        }
    }

    private final Body body;
    private final OverflowHandler overflowHandler;
    private final AtomicBoolean answered = new AtomicBoolean();
    /** The servlet's multipart config as far as it can be seen; looked up when first needed. */
    private ServletMultipartConfig servletMultipartConfig;
    /** The charset check before the container parses a form passed once; parameters are read often. */
    private volatile boolean containerFormCharsetChecked;

    SizeLimitedRequest(HttpServletRequest request, long limit, boolean lengthDeclared, BodyOptions options,
            OverflowHandler overflowHandler) {
        this(request, new Body(limit, lengthDeclared, options), overflowHandler);
    }

    private SizeLimitedRequest(HttpServletRequest request, Body body, OverflowHandler overflowHandler) {
        super(request);
        this.body = body;
        this.overflowHandler = overflowHandler;
        body.current = this;
    }

    long limit() {
        return body.limit;
    }

    /** The context of the latest {@code startAsync}, or {@code null}. */
    private volatile CountedAsyncContext countedAsyncContext;

    /** After a no-argument {@code startAsync()} async code must still read through this wrapper: see {@link CountedAsyncContext}. */
    @Override
    public AsyncContext startAsync() {
        return counted(CountedAsyncContext.readingThrough(super.startAsync(), this));
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        // The application names the request async code gets: this wrapper, or one around it.
        return counted(CountedAsyncContext.keepingSupplied(super.startAsync(request, response), this));
    }

    private CountedAsyncContext counted(CountedAsyncContext counted) {
        countedAsyncContext = counted;
        replaceLatest(counted);
        return counted;
    }

    /**
     * Records the new cycle's counted context for listeners, whichever cycle's context
     * added them (see CountedAsyncContext.SeesThisContext), and retires the previous cycle's: the
     * containers hand back the same context object for every cycle, so it would still seem to stand
     * for it. After the container's startAsync, which has told the listeners of the new cycle.
     */
    private void replaceLatest(CountedAsyncContext next) {
        if (getAttribute(CountedAsyncContext.CURRENT_ATTRIBUTE) instanceof CountedAsyncContext previous) {
            previous.supersede();
        }
        setAttribute(CountedAsyncContext.CURRENT_ATTRIBUTE, next);
    }

    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext context = super.getAsyncContext();
        CountedAsyncContext counted = countedAsyncContext;
        return counted != null && counted.wraps(context) ? counted : context;
    }

    /**
     * A wrapper for a later dispatch of the same request that does not read through this one: it
     * shares this one's body, and from now on an overflow of it is answered through the new one.
     */
    SizeLimitedRequest continuedBy(HttpServletRequest dispatched, OverflowHandler handler) {
        return new SizeLimitedRequest(dispatched, body, handler);
    }

    /** Whether any read passed the limit, even if the application swallowed the exception. */
    boolean exceeded() {
        CountingInputStream s = body.stream;
        return body.parsedTooLarge || (s != null && s.exceeded());
    }

    /** Whether the filter's own form or multipart parsing rejected the body. */
    boolean malformed() {
        return body.malformed;
    }

    /** Claims the one answer this request gets from the filter; {@code false} if already claimed. */
    boolean claimAnswer() {
        return answered.compareAndSet(false, true);
    }

    boolean answered() {
        return answered.get();
    }

    /** Whether this is the first time the request is counted as rejected, whichever run answers it. */
    boolean firstRejection() {
        return body.rejectionRecorded.compareAndSet(false, true);
    }

    private CountingInputStream counting() throws IOException {
        return counting(body.limit);
    }

    /** The counting stream, made with {@code streamLimit} if this is the first read of the body. */
    private CountingInputStream counting(long streamLimit) throws IOException {
        body.lock.lock();
        try {
            if (body.stream == null) {
                body.stream = new CountingInputStream(super.getInputStream(), streamLimit, () -> {
                    SizeLimitedRequest latest = body.current;
                    latest.overflowHandler.overflowed(latest);
                });
            }
            return body.stream;
        } finally {
            body.lock.unlock();
        }
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        body.lock.lock();
        try {
            if (body.reading == Reading.READER) {
                throw new IllegalStateException("getReader() has already been called for this request");
            }
            body.reading = Reading.STREAM;
            return counting();
        } finally {
            body.lock.unlock();
        }
    }

    @Override
    public BufferedReader getReader() throws IOException {
        body.lock.lock();
        try {
            if (body.reading == Reading.STREAM) {
                throw new IllegalStateException("getInputStream() has already been called for this request");
            }
            if (body.reader == null) {
                Charset charset = charset(getCharacterEncoding(), StandardCharsets.ISO_8859_1);
                body.reader = new BufferedReader(new InputStreamReader(counting(), charset));
            }
            body.reading = Reading.READER;
            return body.reader;
        } finally {
            body.lock.unlock();
        }
    }

    /**
     * The body's declared charset, or {@code fallback}. One the JVM does not know is the client's
     * doing: noted for a 415 and thrown as the specification's {@code UnsupportedEncodingException}.
     */
    private Charset charset(String encoding, Charset fallback) throws UnsupportedEncodingException {
        if (encoding == null) {
            return fallback;
        }
        try {
            return Charset.forName(encoding.trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            body.unsupportedCharset = true;
            UnsupportedEncodingException unsupported = new CharsetRefusedException(LogSafe.escape(encoding));
            unsupported.initCause(e);
            throw unsupported;
        }
    }

    /** Whether the body declared a charset the JVM does not know. */
    boolean unsupportedCharset() {
        return body.unsupportedCharset;
    }

    /**
     * Before the container parses a form body: Jetty fails on an unknown charset with an exception
     * the application would turn into a 500, Tomcat silently decodes in its default. Both get the 415.
     */
    private void checkContainerFormCharset() {
        if (containerFormCharsetChecked) {
            return;
        }
        if (isMediaType(FORM)) {
            try {
                charset(getCharacterEncoding(), StandardCharsets.ISO_8859_1);
            } catch (UnsupportedEncodingException e) {
                throw new UncheckedIOException(e);
            }
        }
        containerFormCharsetChecked = true;
    }

    /** Whether this wrapper, not the container, must parse the body for parameters and parts. */
    private boolean parsesBody() {
        if (body.lengthDeclared) {
            return body.options.formWithLengthParsed() && isMediaType(FORM) && !body.formReadBefore;
        }
        return isMediaType(FORM) || isMediaType(MULTIPART);
    }

    private boolean formIsParameters() {
        String method = getMethod();
        boolean parsedMethod = body.options.formMethods().parse(method);
        return parsedMethod && (body.lengthDeclared || !body.options.formWithoutLengthOnlyChunked()
                || "chunked".equalsIgnoreCase(getHeader("Transfer-Encoding")));
    }

    /**
     * Jetty's {@code getContentType()} throws when the type names a charset the JVM does not know:
     * noted, so that the filter answers 415 rather than the application's failure becoming a 500.
     */
    @Override
    public String getContentType() {
        try {
            return super.getContentType();
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            body.unsupportedCharset = true;
            throw e;
        }
    }

    private boolean isMediaType(String expected) {
        // The raw field: this check must not fail on Jetty's charset validation (see getContentType).
        String type = getHeader("Content-Type");
        if (type == null) {
            return false;
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT).equals(expected);
    }

    @Override
    public String getParameter(String name) {
        Map<String, String[]> parsed = ownParameters();
        if (parsed == null) {
            checkContainerFormCharset();
            return super.getParameter(name);
        }
        String[] values = parsed.get(name);
        return values == null ? null : values[0];
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        Map<String, String[]> parsed = ownParameters();
        if (parsed == null) {
            checkContainerFormCharset();
            return super.getParameterMap();
        }
        body.lock.lock();
        try {
            if (body.handedOutParameters == null) {
                // As the containers' maps: writing into an array there does not change getParameter.
                Map<String, String[]> copy = new LinkedHashMap<>();
                parsed.forEach((name, values) -> copy.put(name, values.clone()));
                body.handedOutParameters = Collections.unmodifiableMap(copy);
            }
            return body.handedOutParameters;
        } finally {
            body.lock.unlock();
        }
    }

    @Override
    public Enumeration<String> getParameterNames() {
        Map<String, String[]> parsed = ownParameters();
        if (parsed == null) {
            checkContainerFormCharset();
            return super.getParameterNames();
        }
        return Collections.enumeration(parsed.keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        Map<String, String[]> parsed = ownParameters();
        if (parsed == null) {
            checkContainerFormCharset();
            return super.getParameterValues(name);
        }
        String[] values = parsed.get(name);
        return values == null ? null : values.clone();
    }

    /** The parameters this wrapper parsed, or {@code null} where the container's stand. */
    private Map<String, String[]> ownParameters() {
        if (!parsesBody()) {
            return null;
        }
        Map<String, String[]> parsed = parameters();
        return body.formReadBefore ? null : parsed;
    }

    private Map<String, String[]> parameters() {
        body.lock.lock();
        try {
            if (body.parameterFailure != null) {
                throw body.parameterFailure;
            }
            List<String> queries = queryStrings();
            if (body.parameters != null && queries.equals(body.parametersQueries)) {
                return body.parameters;
            }
            try {
                if (body.bodyParameters == null) {
                    FormUrlEncoded.Params fromBody = new FormUrlEncoded.Params(body.options.maxParameters());
                    if (body.reading == Reading.NONE) {
                        addBodyParameters(fromBody);
                    }
                    body.bodyParameters = fromBody.toMap();
                }
                FormUrlEncoded.Params params = new FormUrlEncoded.Params(body.options.maxParameters());
                // Query strings are UTF-8 whatever the body's charset, but on Payara and Liberty, which
                // read them in the request's character encoding if there is one, else in ISO-8859-1:
                // the one in force at the first read, as a later setCharacterEncoding (in an include,
                // say) changes nothing already read there.
                Charset queryCharset = body.options.queryCharset();
                if (queryCharset == null) {
                    if (body.firstQueryCharset == null) {
                        body.firstQueryCharset = charset(getCharacterEncoding(), StandardCharsets.ISO_8859_1);
                    }
                    queryCharset = body.firstQueryCharset;
                }
                for (String query : queries) {
                    if (body.options.queryCharset() == null) {
                        // Payara and Liberty hand out the query's raw bytes as ISO-8859-1 chars: bytes to decode.
                        FormUrlEncoded.parseBytes(query, queryCharset, body.options.brokenEscapes(), params);
                    } else {
                        FormUrlEncoded.parse(query, queryCharset, body.options.brokenEscapes(), params);
                    }
                }
                body.bodyParameters.forEach((name, values) -> {
                    for (String value : values) {
                        params.add(name, value);
                    }
                });
                body.parameters = params.toMap();
                body.parametersQueries = queries;
                body.handedOutParameters = null;
                return body.parameters;
            } catch (IOException e) {
                body.parameterFailure = new UncheckedIOException(e);
            } catch (MalformedBodyException e) {
                body.malformed = true;
                body.parameterFailure = e;
            } catch (ServletException e) {
                body.malformed = true;
                body.parameterFailure = new MalformedBodyException("Unreadable multipart body");
                body.parameterFailure.initCause(e);
            }
            throw body.parameterFailure;
        } finally {
            body.lock.unlock();
        }
    }

    /**
     * The query strings whose parameters come before the body's, as the containers merge them: a
     * forward's or an asynchronous dispatch's own first, then the request's; an include's first,
     * then the including request's. Where the container's dispatch wrapper sits below this one
     * (Tomcat: forward, include and dispatch; Jetty: an asynchronous dispatch), it answers
     * {@code getDispatcherType()} and {@code getQueryString()} for the dispatch, and the request's
     * own query string is in the dispatch's attribute; where it sits above (Jetty's forward and
     * include), this wrapper sees the request as it came and the container adds the dispatch's
     * parameters itself.
     */
    private List<String> queryStrings() {
        String current = getQueryString();
        DispatcherType type = getDispatcherType();
        // An include's attribute holds the include's own query string; a forward's or dispatch's, the request's.
        String noted = switch (type) {
            case FORWARD -> stringAttribute(RequestDispatcher.FORWARD_QUERY_STRING);
            case INCLUDE -> stringAttribute(RequestDispatcher.INCLUDE_QUERY_STRING);
            case ASYNC -> stringAttribute(AsyncContext.ASYNC_QUERY_STRING);
            default -> null;
        };
        if (noted == null || noted.equals(current)) {
            return current == null ? List.of() : List.of(current);
        }
        if (current == null) {
            return List.of(noted);
        }
        return type == DispatcherType.INCLUDE ? List.of(noted, current) : List.of(current, noted);
    }

    private String stringAttribute(String name) {
        return getAttribute(name) instanceof String value ? value : null;
    }

    private void addBodyParameters(FormUrlEncoded.Params params) throws IOException, ServletException {
        if (isMediaType(FORM)) {
            if (!formIsParameters()) {
                // As the containers: a PATCH's (or Tomcat's PUT's) form stays for the application to read.
                return;
            }
            // Decoded into memory about three times over (bytes, text, values): capped as containers cap forms.
            byte[] bytes = counting(Math.min(body.limit, body.options.maxFormBytes())).readAllBytes();
            if (body.lengthDeclared && bytes.length < getContentLengthLong()) {
                // Read before this filter ran (a filter ahead of the chain asked the container for
                // parameters): the container holds the form. A body the client cut short fails the
                // read instead of ending it early.
                body.formReadBefore = true;
                return;
            }
            Charset charset = charset(getCharacterEncoding(), body.options.formCharset());
            if (!FormUrlEncoded.isAsciiCompatible(charset)) {
                // UTF-16 and the like: '=' and '&' are not single bytes, so the pairs cannot be split
                // as bytes (they came out with NULs in names and values). Both containers refuse it.
                throw new MalformedBodyException("A form body's charset is not ASCII-compatible");
            }
            FormUrlEncoded.parseBytes(new String(bytes, StandardCharsets.ISO_8859_1), charset, body.options.brokenEscapes(),
                    params);
        } else {
            if (servletMultipartConfig().absent()) {
                // As the container: a servlet without a multipart config gets no parts, nor their
                // fields as parameters, and the body stays for it to read.
                return;
            }
            List<UploadedPart> all = parts();
            // Text fields without a charset of their own: in the charset a _charset_ field names (as
            // both containers read it, after HTML's form submission), else the request's, else the
            // container's default, so that a field reads the same chunked as with a length.
            Charset fallback = charsetField(all, charset(getCharacterEncoding(), body.options.formCharset()));
            long textBytes = 0;
            for (UploadedPart part : all) {
                if (part.isFormField()) {
                    textBytes += part.getSize();
                    if (textBytes > body.options.maxFormBytes()) {
                        // Parts wait on disk; as parameters, text fields would be decoded into memory.
                        body.parsedTooLarge = true;
                        overflowHandler.overflowed(this);
                        throw new RequestTooLargeException(body.options.maxFormBytes());
                    }
                    params.add(part.getName(), part.text(fallback));
                }
            }
        }
    }

    private static Charset charsetField(List<UploadedPart> parts, Charset fallback) throws IOException {
        for (UploadedPart part : parts) {
            if (part.isFormField() && "_charset_".equals(part.getName()) && part.getSize() <= 64) {
                return MultipartParser.charsetOf("; charset=" + part.text(StandardCharsets.US_ASCII).trim(), fallback);
            }
        }
        return fallback;
    }

    @Override
    public Collection<Part> getParts() throws IOException, ServletException {
        checkPartsCanBeRead();
        if (!parsesBody() || servletMultipartConfig().absent()) {
            // With no multipart config, the container refuses in its own way, before reading.
            return super.getParts();
        }
        return new ArrayList<>(parts());
    }

    @Override
    public Part getPart(String name) throws IOException, ServletException {
        checkPartsCanBeRead();
        if (!parsesBody() || servletMultipartConfig().absent()) {
            return super.getPart(name);
        }
        for (UploadedPart part : parts()) {
            if (part.getName().equals(name)) {
                return part;
            }
        }
        return null;
    }

    /**
     * Parts are only for a {@code multipart/form-data} body with a boundary, as the specification
     * says; anything else gets its {@code ServletException} and the client a 415 or a 400, on both
     * containers alike. Left to the container, Tomcat would parse any {@code multipart/} type
     * ({@code mixed}, {@code related}, {@code form-datax}) with its own stream, past the count when
     * no length bounds the body, and answer a missing boundary with a 500.
     */
    private void checkPartsCanBeRead() throws ServletException {
        String type = getHeader("Content-Type");
        boolean multipart = type != null && type.trim().regionMatches(true, 0, "multipart/", 0, "multipart/".length());
        if (!isMediaType(MULTIPART) && !(multipart && body.lengthDeclared)) {
            // With a length the container cannot read past it: another multipart/ type is the
            // container's to parse (Spring's resolver accepts any), as it was.
            throw refuseParts(new PartsRefusedException(415, "Parts need a multipart/form-data body"));
        }
        if (isMediaType(MULTIPART) && MultipartParser.boundary(getContentType()) == null) {
            throw refuseParts(new PartsRefusedException(400, "No usable multipart boundary"));
        }
    }

    private PartsRefusedException refuseParts(PartsRefusedException refusal) {
        body.partsRefusal = refusal;
        return refusal;
    }

    /**
     * Whether {@code failure} is (or is caused by) the failure of this wrapper's own parse of the
     * body, for parameters or parts: what the application was handed, not something of its own.
     */
    boolean isOwnParseFailure(Throwable failure) {
        body.lock.lock();
        try {
            Throwable t = failure;
            // Bounded: a chain of causes may loop.
            for (int depth = 0; t != null && depth < 8; depth++, t = ClientFaults.causeOf(t)) {
                if (t == body.parameterFailure || t == body.partsFailure) {
                    return true;
                }
            }
            return false;
        } finally {
            body.lock.unlock();
        }
    }

    /**
     * The status for {@code failure} when it is (or is caused by) this request's refusal to read
     * parts, else 0: an application that catches the refusal and fails later for another reason
     * gets its own answer, not this one.
     */
    int partsRefusalStatus(Throwable failure) {
        PartsRefusedException refusal = body.partsRefusal;
        Throwable t = failure;
        // Bounded: a chain of causes may loop.
        for (int depth = 0; refusal != null && t != null && depth < 8; depth++, t = ClientFaults.causeOf(t)) {
            if (t == refusal) {
                return refusal.status;
            }
        }
        return 0;
    }

    /** {@code getParts()} of a body that has none: the specification's exception, and the client's fault. */
    static final class PartsRefusedException extends ServletException {
        private static final long serialVersionUID = 1L;
        private final int status;

        PartsRefusedException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The 4xx the refusal stands for: 415 for a body that is not multipart, 400 for one without a boundary. */
        int status() {
            return status;
        }
    }

    /** A charset the body declared and the JVM does not know: the specification's exception, and the client's fault (415). */
    static final class CharsetRefusedException extends UnsupportedEncodingException {
        private static final long serialVersionUID = 1L;

        CharsetRefusedException(String charset) {
            super(charset);
        }
    }

    private List<UploadedPart> parts() throws IOException, ServletException {
        body.lock.lock();
        try {
            if (body.partsFailure instanceof IOException io) {
                throw io;
            }
            if (body.partsFailure instanceof ServletException se) {
                throw se;
            }
            if (body.parts != null) {
                return body.parts;
            }
            try {
                if (body.reading != Reading.NONE) {
                    throw new IllegalStateException("The request body was already read as a stream");
                }
                String boundary = MultipartParser.boundary(getContentType());
                if (boundary == null) {
                    throw new MalformedBodyException("No usable multipart boundary");
                }
                Charset fallback = charset(getCharacterEncoding(), StandardCharsets.UTF_8);
                ServletMultipartConfig servlet = servletMultipartConfig();
                long maxRequestSize = servlet.maxRequestSize();
                BodyOptions options = body.options;
                CountingInputStream in = counting(maxRequestSize >= 0 ? Math.min(body.limit, maxRequestSize) : body.limit);
                body.parts = List.copyOf(MultipartParser.parse(in, boundary, new MultipartParser.Options(
                        options.multipartThreshold(), options.tempDir(), options.maxParameters(), fallback,
                        servlet.maxFileSize(), servlet.location(options.tempDir()))));
                return body.parts;
            } catch (RequestTooLargeException e) {
                body.partsFailure = e;
                if (!body.stream.exceeded()) {
                    // A part past the servlet's maxFileSize: answered as the body passing its limit.
                    body.parsedTooLarge = true;
                    overflowHandler.overflowed(this);
                }
                throw e;
            } catch (IOException e) {
                body.partsFailure = e;
                throw e;
            } catch (MalformedBodyException e) {
                body.malformed = true;
                body.partsFailure = new ServletException("Malformed multipart body", e);
                throw (ServletException) body.partsFailure;
            }
        } finally {
            body.lock.unlock();
        }
    }

    private synchronized ServletMultipartConfig servletMultipartConfig() {
        if (servletMultipartConfig == null) {
            servletMultipartConfig = ServletMultipartConfig.of(this);
        }
        return servletMultipartConfig;
    }

    /** Deletes the temporary files of parsed parts; called when the request is over. */
    void release() {
        List<UploadedPart> parsed;
        body.lock.lock();
        try {
            parsed = body.parts;
        } finally {
            body.lock.unlock();
        }
        if (parsed == null) {
            return;
        }
        for (UploadedPart part : parsed) {
            try {
                part.delete();
            } catch (IOException e) {
                RequestSizeLimitFilter.logCleanupFailure(e);
            }
        }
    }
}
