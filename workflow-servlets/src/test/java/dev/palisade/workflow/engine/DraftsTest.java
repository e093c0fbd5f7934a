package dev.palisade.workflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.workflow.domain.TaskKind;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DraftsTest {

    @Test
    void greetsByACleanedShortenedName() {
        assertThat(Drafts.greeting("Ada\r\nBcc: evil@example.com")).isEqualTo("Dear Ada Bcc: evil@example.com,\n\n");
        assertThat(Drafts.cleanName("x".repeat(500))).hasSize(60);
        assertThat(Drafts.greeting(null)).isEqualTo("Hello,\n\n");
        assertThat(Drafts.greeting(" \t ")).isEqualTo("Hello,\n\n");
    }

    @Test
    void asksOnlyForWhatIsMissing() {
        assertThat(Drafts.askForDetails("Ada", true, true)).contains("date").contains("number of guests");
        assertThat(Drafts.askForDetails("Ada", false, true)).doesNotContain("date you have").contains("guests");
    }

    @Test
    void writesDatesInFull() {
        assertThat(Drafts.confirmDetails("Ada", LocalDate.of(2027, 6, 12), 40))
                .contains("Saturday 12 June 2027").contains("40 guests");
    }

    @Test
    void keepsTheClientMessageOutOfTeamNotices() {
        String body = Drafts.hilBody(TaskKind.OFFER, "task-1", "event-1");
        assertThat(body).contains("task-1").contains("event-1").contains("offer");
    }

    @Test
    void formatsMoneyAndRoundsPercentagesToTheCent() {
        assertThat(new Money(123_456, "EUR")).hasToString("EUR 1234.56");
        assertThat(new Money(5, "EUR")).hasToString("EUR 0.05");
        assertThat(new Money(1_001, "EUR").percent(30).cents()).isEqualTo(300);
        assertThat(new Money(1_005, "EUR").percent(30).cents()).isEqualTo(302);
    }
}
