package dev.palisade.workflow.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WishVocabularyTest {

    @Test
    void namesTheFixedVocabulary() {
        assertThat(WishVocabulary.names()).containsExactly(
                "projector", "terrace", "stage", "bar", "dance-floor", "accessible", "daylight", "catering");
    }

    @Test
    void mapsSynonymsAndSpellingsToTheirName() {
        assertThat(WishVocabulary.canonical("Beamer")).contains("projector");
        assertThat(WishVocabulary.canonical(" dance floor ")).contains("dance-floor");
        assertThat(WishVocabulary.canonical("dance_floor")).contains("dance-floor");
        assertThat(WishVocabulary.canonical("step-free")).contains("accessible");
        assertThat(WishVocabulary.canonical("jacuzzi")).isEmpty();
        assertThat(WishVocabulary.canonical(null)).isEmpty();
    }

    @Test
    void findsWholeWordsOnlyAndSkipsNegatedWishes() {
        assertThat(WishVocabulary.find("a barbecue and a screening")).isEmpty();
        assertThat(WishVocabulary.find("no projector, but a bar and a dance  floor")).containsExactly("bar", "dance-floor");
        assertThat(WishVocabulary.find("we don't need a stage; we might need catering")).containsExactly("catering");
    }
}
