package dev.palisade.workflow;

import dev.palisade.filters.ApiKeyAuthFilter;
import dev.palisade.workflow.analysis.MessageAnalyzer;
import dev.palisade.workflow.engine.BookingWorkflow;
import dev.palisade.workflow.engine.WorkflowSettings;
import dev.palisade.workflow.session.ConversationCache;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.uploads.UploadStorage;
import dev.palisade.workflow.web.ConversationServlet;
import dev.palisade.workflow.web.DebugServlet;
import dev.palisade.workflow.web.DepositPaymentMockServlet;
import dev.palisade.workflow.web.EventsServlet;
import dev.palisade.workflow.web.HilEmailServlet;
import dev.palisade.workflow.web.Json;
import dev.palisade.workflow.web.NotFoundServlet;
import dev.palisade.workflow.web.QnaServlet;
import dev.palisade.workflow.web.Roles;
import dev.palisade.workflow.web.SnapshotServlet;
import dev.palisade.workflow.web.TasksServlet;
import dev.palisade.workflow.web.TestEmailServlet;
import dev.palisade.workflow.web.UploadServlet;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Mounts the booking workflow's servlets into a {@link ServletContext}, behind the Palisade chain
 * ({@code Hardening.install}) which must supply the {@code ApiKeyAuthFilter} principal.
 *
 * <ul>
 *   <li>{@link #installCore} — the contract's routes: conversations, events, availability, tasks,
 *       hil-email, uploads, {@code /s/{id}}, and a catch-all for unknown {@code /api} paths. No
 *       dev-only or debug route.</li>
 *   <li>{@link #installTestEndpoints} — dev only: mock deposit payment, test emails, hil-email test,
 *       qna test pages ({@link #TEST_ENDPOINT_PATHS}).</li>
 *   <li>{@link #installDebugEndpoints} — dev with {@code DEBUG_TRACE_ENABLED=1} only: traces
 *       ({@link #DEBUG_ENDPOINT_PATHS}).</li>
 * </ul>
 * A production server calls {@link #installCore} alone, so the risky servlets do not exist there at
 * all; listing their paths in the {@code EnvironmentGateFilter} as well is a second lock.
 */
public final class WorkflowServlets {
    /** Multipart parts up to this size stay in memory; larger ones go to a temporary file. */
    public static final int MULTIPART_MEMORY_THRESHOLD = 16 * 1024;
    /** Room for multipart boundaries and part headers on top of the upload limit. */
    public static final long MULTIPART_OVERHEAD = 64 * 1024;

    /** Dev-only routes (for {@code EnvironmentGateFilter.Config.devOnlyPaths}). */
    public static final List<String> TEST_ENDPOINT_PATHS = List.of(DepositPaymentMockServlet.PATH,
            TestEmailServlet.EMAILS_TEST, TestEmailServlet.HIL_EMAIL_TEST, QnaServlet.PATH, QnaServlet.PATH + "/*");
    /** Debug routes (for {@code EnvironmentGateFilter.Config.devOnlyPaths}). */
    public static final List<String> DEBUG_ENDPOINT_PATHS = List.of(DebugServlet.PATH + "/*");

    private final Store store;
    private final BookingWorkflow workflow;
    private final ConversationCache conversations;
    private final UploadStorage uploads;
    private final Clock clock;
    private final Json json = new Json();

    public WorkflowServlets(Store store, BookingWorkflow workflow, ConversationCache conversations,
            UploadStorage uploads, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.workflow = Objects.requireNonNull(workflow, "workflow");
        this.conversations = Objects.requireNonNull(conversations, "conversations");
        this.uploads = Objects.requireNonNull(uploads, "uploads");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Builds the workflow and its conversation cache from their parts, then the servlets. */
    public static WorkflowServlets create(Store store, MessageAnalyzer analyzer, Clock clock,
            ConversationCache.Settings sessions, WorkflowSettings settings, UploadStorage uploads) {
        ConversationCache conversations = new ConversationCache(store, sessions);
        BookingWorkflow workflow = new BookingWorkflow(store, analyzer, clock, conversations, settings);
        return new WorkflowServlets(store, workflow, conversations, uploads, clock);
    }

    public BookingWorkflow workflow() {
        return workflow;
    }

    /** For metrics: size and eviction count. */
    public ConversationCache conversations() {
        return conversations;
    }

    /** The contract's routes; none of the dev-only or debug ones. */
    public void installCore(ServletContext context) {
        add(context, "workflow.conversations", new ConversationServlet(json, workflow),
                ConversationServlet.START, ConversationServlet.SEND);
        add(context, "workflow.events", new EventsServlet(json, store, workflow), "/api/events", "/api/events/*");
        add(context, "workflow.tasks", new TasksServlet(json, store, workflow), "/api/tasks", "/api/tasks/*");
        add(context, "workflow.hilEmail", new HilEmailServlet(json, store), HilEmailServlet.PATH);
        ServletRegistration.Dynamic upload = add(context, "workflow.uploads", new UploadServlet(json, store, uploads),
                UploadServlet.PATH);
        upload.setMultipartConfig(new MultipartConfigElement(tempDirectory(context).toString(),
                uploadRequestLimit(uploads.maxBytes()), uploadRequestLimit(uploads.maxBytes()),
                MULTIPART_MEMORY_THRESHOLD));
        add(context, "workflow.snapshots", new SnapshotServlet(json, store, clock), "/s/*");
        add(context, "workflow.unknownApi", new NotFoundServlet(json), "/api/*");
    }

    /** Dev only: {@code POST /api/event/deposit/pay}, {@code POST /api/emails/test}, {@code POST /api/config/hil-email/test}, {@code /api/qna}. */
    public void installTestEndpoints(ServletContext context) {
        add(context, "workflow.test.depositPay", new DepositPaymentMockServlet(json, workflow),
                DepositPaymentMockServlet.PATH);
        add(context, "workflow.test.emails", new TestEmailServlet(json, store, clock),
                TestEmailServlet.EMAILS_TEST, TestEmailServlet.HIL_EMAIL_TEST);
        add(context, "workflow.test.qna", new QnaServlet(json, store, clock), QnaServlet.PATH, QnaServlet.PATH + "/*");
    }

    /** Dev with {@code DEBUG_TRACE_ENABLED=1} only: {@code /api/debug/*}. */
    public void installDebugEndpoints(ServletContext context) {
        add(context, "workflow.debug", new DebugServlet(json, store, conversations), DebugServlet.PATH + "/*");
    }

    /**
     * The request size limit to give {@code /api/uploads} in {@code RequestSizeLimitFilter} (its
     * path limit) for an upload limit of {@code uploadLimitBytes}: the file plus multipart overhead.
     * A body past it is 413 from the filter; a file past the upload limit within it is 413 from the
     * upload storage.
     */
    public static long uploadRequestLimit(long uploadLimitBytes) {
        if (uploadLimitBytes < 0) {
            throw new IllegalArgumentException("uploadLimitBytes must be >= 0: " + uploadLimitBytes);
        }
        // Saturates: a limit near Long.MAX_VALUE must not wrap to a negative one.
        return uploadLimitBytes > Long.MAX_VALUE - MULTIPART_OVERHEAD ? Long.MAX_VALUE
                : uploadLimitBytes + MULTIPART_OVERHEAD;
    }

    /**
     * Adds the access rules of the core routes to an {@code ApiKeyAuthFilter} configuration: which
     * roles each route needs. {@code /s/*}, {@code /health} and the paths below it are public (the
     * rate limiter never limits those, so no key may be checked there); every other path needs a
     * valid key (the filter's default for unmatched paths). The servlets check the same roles again.
     * Rules for the test and debug routes are added only where those are mounted
     * ({@link WorkflowMounts#accessRules}): a role rule on an unmounted path would answer 403 where an
     * unknown path answers 404, telling a caller that the hidden route exists.
     */
    public static ApiKeyAuthFilter.Config.Builder accessRules(ApiKeyAuthFilter.Config.Builder builder) {
        String manager = Roles.MANAGER;
        String system = Roles.SYSTEM;
        return builder
                .publicPath("/health/*")
                .publicPath("/s/*")
                .rule("POST", ConversationServlet.START, manager, system)
                .rule("POST", ConversationServlet.SEND, manager, system)
                .rule("GET", "/api/events", manager)
                .rule("GET", "/api/events/*", manager)
                // Availability is manager or system; the servlet keeps deposit/paid to managers.
                .rule("POST", "/api/events/*", manager, system)
                .rule(null, "/api/tasks", manager)
                .rule(null, "/api/tasks/*", manager)
                .rule(null, HilEmailServlet.PATH, manager)
                .rule("POST", UploadServlet.PATH, manager, system);
    }

    /** The access rules of the test endpoints ({@link #installTestEndpoints}); add them only where those are mounted. */
    public static ApiKeyAuthFilter.Config.Builder testEndpointRules(ApiKeyAuthFilter.Config.Builder builder) {
        return builder
                .rule(null, HilEmailServlet.PATH + "/*", Roles.MANAGER)
                .rule("POST", DepositPaymentMockServlet.PATH, Roles.MANAGER, Roles.SYSTEM)
                .rule(null, TestEmailServlet.EMAILS_TEST, Roles.MANAGER)
                .rule(null, QnaServlet.PATH, Roles.MANAGER)
                .rule(null, QnaServlet.PATH + "/*", Roles.MANAGER);
    }

    /** The access rules of the debug endpoints ({@link #installDebugEndpoints}); add them only where those are mounted. */
    public static ApiKeyAuthFilter.Config.Builder debugEndpointRules(ApiKeyAuthFilter.Config.Builder builder) {
        return builder.rule(null, DebugServlet.PATH + "/*", Roles.MANAGER);
    }

    private static ServletRegistration.Dynamic add(ServletContext context, String name, Servlet servlet,
            String... patterns) {
        ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
        if (registration == null) {
            throw new IllegalStateException("A servlet named " + name + " is already registered");
        }
        registration.addMapping(patterns);
        registration.setAsyncSupported(true);
        return registration;
    }

    private static Path tempDirectory(ServletContext context) {
        Object dir = context.getAttribute(ServletContext.TEMPDIR);
        if (dir instanceof File file) {
            return file.toPath();
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
