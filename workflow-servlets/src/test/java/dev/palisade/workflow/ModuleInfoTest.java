package dev.palisade.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModuleInfoTest {
    @Test
    void namesTheModule() {
        assertThat(ModuleInfo.NAME).isEqualTo("workflow-servlets");
    }
}
