package dev.palisade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.filters.Environment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowMountsTest {
    private static final Environment DEV = Environment.fromValue("dev");
    private static final Environment PROD = Environment.fromValue("prod");

    @Test
    void devMountsTestEndpointsByDefaultAndDebugOnlyWhenAsked() {
        assertThat(WorkflowMounts.decide(DEV, Map.<String, String>of()::get)).isEqualTo(new WorkflowMounts(true, false));
        assertThat(WorkflowMounts.decide(DEV, Map.of("DEBUG_TRACE_ENABLED", "1")::get))
                .isEqualTo(new WorkflowMounts(true, true));
        assertThat(WorkflowMounts.decide(DEV, Map.of("ALLOW_TEST_ENDPOINTS", "0")::get))
                .isEqualTo(new WorkflowMounts(false, false));
    }

    @Test
    void prodMountsNothingWhateverTheFlagsSay() {
        WorkflowMounts mounts = WorkflowMounts.decide(PROD,
                Map.of("ALLOW_TEST_ENDPOINTS", "1", "DEBUG_TRACE_ENABLED", "1")::get);
        assertThat(mounts).isEqualTo(new WorkflowMounts(false, false));
        assertThat(mounts.describeRiskyPaths()).isEqualTo("none");
    }

    @Test
    void refusesAFlagThatIsNotYesOrNo() {
        assertThatThrownBy(() -> WorkflowMounts.decide(PROD, Map.of("DEBUG_TRACE_ENABLED", "yes please")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DEBUG_TRACE_ENABLED").hasMessageContaining("\"yes please\"");
    }

    @Test
    void namesTheRiskyPathsMounted() {
        assertThat(new WorkflowMounts(true, true).riskyPaths())
                .contains("/api/event/deposit/pay", "/api/emails/test", "/api/config/hil-email/test", "/api/qna",
                        "/api/debug/*");
    }
}
