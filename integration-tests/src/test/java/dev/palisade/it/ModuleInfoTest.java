package dev.palisade.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModuleInfoTest {
    @Test
    void namesTheModule() {
        assertThat(ModuleInfo.NAME).isEqualTo("integration-tests");
    }
}
