package dev.palisade.workflow;

import dev.palisade.filters.testing.DocsJavaExamples;

/** Every Java example in {@code docs/workflow.md} compiles against this module's classes. */
class DocsJavaExamplesTest extends DocsJavaExamples {
    DocsJavaExamplesTest() {
        super("workflow.md", 1, """
                import dev.palisade.filters.*;
                import dev.palisade.workflow.*;
                import dev.palisade.workflow.analysis.MessageAnalyzer;
                import dev.palisade.workflow.engine.WorkflowSettings;
                import dev.palisade.workflow.session.ConversationCache;
                import dev.palisade.workflow.store.Store;
                import dev.palisade.workflow.uploads.UploadStorage;
                import jakarta.servlet.ServletContext;
                import java.time.Clock;
                """, """
                    Store store;
                    MessageAnalyzer analyzer;
                    Clock clock;
                    UploadStorage uploads;
                    String apiKeys;
                    ServletContext context;
                    Environment environment;
                """);
    }
}
