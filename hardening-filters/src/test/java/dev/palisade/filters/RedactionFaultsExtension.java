package dev.palisade.filters;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails every test during which the redactor failed on a text: {@link Redactor} never throws (it
 * logs {@code [unredactable]} instead), so a fault would otherwise pass the many tests that check
 * only that a secret is absent. Registered for every test class of this module through
 * {@code META-INF/services} and {@code junit-platform.properties}.
 */
public final class RedactionFaultsExtension implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedactionFaultsExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("before", RedactionFailures.count());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        long before = context.getStore(NAMESPACE).get("before", Long.class);
        if (context.getRequiredTestClass() != RedactionFailuresTest.class && RedactionFailures.count() > before) {
            throw new AssertionError("The redactor failed on a text during this test (logged as "
                    + RedactionFailures.PLACEHOLDER + "): see the WARN or DEBUG line of " + Redactor.class.getName());
        }
    }
}
