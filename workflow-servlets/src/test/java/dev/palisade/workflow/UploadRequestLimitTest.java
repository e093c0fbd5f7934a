package dev.palisade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UploadRequestLimitTest {
    @Test
    void addsTheMultipartOverheadToTheUploadLimit() {
        assertThat(WorkflowServlets.uploadRequestLimit(0)).isEqualTo(WorkflowServlets.MULTIPART_OVERHEAD);
        assertThat(WorkflowServlets.uploadRequestLimit(10L << 20)).isEqualTo((10L << 20) + WorkflowServlets.MULTIPART_OVERHEAD);
    }

    /** A library caller's "no limit" must not wrap to a negative request limit (a size filter refuses those at start). */
    @Test
    void saturatesInsteadOfWrapping() {
        assertThat(WorkflowServlets.uploadRequestLimit(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(WorkflowServlets.uploadRequestLimit(Long.MAX_VALUE - WorkflowServlets.MULTIPART_OVERHEAD))
                .isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> WorkflowServlets.uploadRequestLimit(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
