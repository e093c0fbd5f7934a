package dev.palisade.workflow.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleBasedAnalyzerTest {

    private static final LocalDate TODAY = LocalDate.of(2027, 1, 10);
    private static final LocalDate MARCH_14 = LocalDate.of(2027, 3, 14);

    private final RuleBasedAnalyzer rules = new RuleBasedAnalyzer();

    static Stream<Arguments> realisticMessages() {
        return Stream.of(
                // intake: dates in every supported format, guests, wishes
                row("Hello, we'd like to book a room for 40 guests on 14 March 2027. A projector would be great.",
                        Intent.ENQUIRY, MARCH_14, 40, "projector"),
                row("Hi! Planning our team offsite on 2027-03-14, about 25 people, ideally with a terrace.",
                        Intent.ENQUIRY, MARCH_14, 25, "terrace"),
                row("Dear team, is the 14.03.2027 still free for a party of 60? We need a stage and a bar.",
                        Intent.ENQUIRY, MARCH_14, 60, "stage", "bar"),
                row("Could we reserve the hall on 14/03/2027 for 120 attendees? Wheelchair access is essential.",
                        Intent.ENQUIRY, MARCH_14, 120, "accessible"),
                row("We are looking for a venue on March 14th, 2027 for 80 persons with a dance floor.",
                        Intent.ENQUIRY, MARCH_14, 80, "dance-floor"),
                row("Is 14 March available? 30 pax, natural light and catering please.",
                        Intent.ENQUIRY, MARCH_14, 30, "daylight", "catering"),
                row("Our wedding is on March 14 and we expect forty-five guests.",
                        Intent.ENQUIRY, MARCH_14, 45),
                row("A room for 2 on 3 January please.", // no year, already past this year: next year
                        Intent.ENQUIRY, LocalDate.of(2028, 1, 3), null),
                row("Conference on 10 January for 12 delegates, beamer and screen needed.", // today counts
                        Intent.ENQUIRY, TODAY, 12, "projector"),
                row("We'd like to hold a seminar in 2027 for 50 people.", Intent.ENQUIRY, null, 50),
                row("Booking for 14.03.2027, between 40 and 50 guests... sorry, 40-50 guests.",
                        Intent.ENQUIRY, MARCH_14, 50),
                row("Date 31.02.2027, 2027-03-14 as a backup, 1,200 delegates.",
                        Intent.ENQUIRY, MARCH_14, 1200),
                row("We will be 15000 people on 14 March 2027", Intent.ENQUIRY, MARCH_14, null),
                row("Guests: 35. Date: 14 March 2027. No projector needed, but a balcony would be nice.",
                        Intent.ENQUIRY, MARCH_14, 35, "terrace"),
                row("On 14.03.2027 at 18:30 we'd like to book.", Intent.ENQUIRY, MARCH_14, null),
                // decisions
                row("We would like to cancel our booking, unfortunately.", Intent.CANCEL, null, null),
                row("Sadly we have to call the event off.", Intent.CANCEL, null, null),
                row("Could you please cancel the reservation for 14 March 2027?", Intent.CANCEL, MARCH_14, null),
                row("We do not want to cancel, we just have a question about parking?", Intent.QUESTION, null, null),
                row("What is your cancellation policy?", Intent.QUESTION, null, null),
                row("Can we cancel if it rains?", Intent.QUESTION, null, null),
                row("Thanks, but we have to decline.", Intent.DECLINE, null, null),
                row("No thanks, not interested anymore.", Intent.DECLINE, null, null),
                row("It's too expensive for us, we'll pass.", Intent.DECLINE, null, null),
                row("We cannot accept the offer.", Intent.DECLINE, null, null),
                row("We accept the offer, please send the deposit details.", Intent.ACCEPT, null, null),
                row("Great, go ahead and book it!", Intent.ACCEPT, null, null),
                row("Deal!", Intent.ACCEPT, null, null),
                row("Do you accept credit cards?", Intent.QUESTION, null, null),
                row("Yes, that date works for us.", Intent.CONFIRM, null, null),
                row("I confirm 14 March 2027.", Intent.CONFIRM, MARCH_14, null),
                row("That's correct.", Intent.CONFIRM, null, null),
                row("Can you confirm the date?", Intent.QUESTION, null, null),
                row("The price is too expensive, can you do a lower price?", Intent.NEGOTIATE, null, null),
                row("Is there any discount for non-profits?", Intent.NEGOTIATE, null, null),
                row("That is above our budget.", Intent.NEGOTIATE, null, null),
                row("We'd go ahead if you could give us a 10% discount.", Intent.NEGOTIATE, null, null),
                row("Do you have parking nearby?", Intent.QUESTION, null, null),
                row("We won't go ahead without a discount.", Intent.NEGOTIATE, null, null),
                row("We will not go ahead.", Intent.DECLINE, null, null),
                row("We don't need a discount, we accept.", Intent.ACCEPT, null, null),
                row("The price is too high for us, so we will have to decline.", Intent.DECLINE, null, null),
                row("Can you do better on the price?", Intent.NEGOTIATE, null, null),
                row("Our budget is limited: could you do 4000 EUR for the 14.03.2027?", Intent.NEGOTIATE, MARCH_14,
                        null),
                row("Directions: https://maps.example.com/?q=venue", Intent.OTHER, null, null),
                row("Thank you, have a nice day.", Intent.OTHER, null, null),
                row("", Intent.OTHER, null, null),
                // typographic apostrophes and line breaks of a real email
                row("Hi,\r\nwe don\u2019t want to cancel.\r\nBest regards\r\nAnna", Intent.OTHER, null, null),
                row("We\u2019ll pass on this one, thanks.", Intent.DECLINE, null, null));
    }

    private static Arguments row(String message, Intent intent, LocalDate date, Integer guests, String... wishes) {
        return Arguments.of(message, new Analysis(intent, date, guests, List.of(wishes), RuleBasedAnalyzer.SOURCE));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("realisticMessages")
    void analysesRealisticBookingMessages(String message, Analysis expected) {
        assertThat(rules.analyze(message, TODAY)).isEqualTo(expected);
    }

    @Test
    void neverReadsAYearOrADateDigitAsGuests() {
        assertThat(rules.analyze("For 2027-03-14 people asked", TODAY).guests()).isNull();
        assertThat(rules.analyze("In 2027 we plan something, on 14 March 2027", TODAY).guests()).isNull();
        assertThat(rules.analyze("14.03.2027 people", TODAY).guests()).isNull();
        assertThat(rules.analyze("party of 0", TODAY).guests()).isNull();
    }

    @Test
    void ignoresDatesThatCannotBeTheEvent() {
        assertThat(rules.analyze("on 1999-03-14", TODAY).date()).isNull();
        assertThat(rules.analyze("on 14.03.2090", TODAY).date()).isNull();
        assertThat(rules.analyze("on 30.02.2027 or 31.04.2027", TODAY).date()).isNull();
        assertThat(rules.analyze("on 29 February", TODAY).date()).isEqualTo(LocalDate.of(2028, 2, 29));
    }

    @Test
    void readsRelativeDatesOnlyForTheEventAndOnlyWithoutAnAbsoluteOne() {
        // TODAY is Sunday 10 January 2027.
        assertThat(rules.analyze("Do you have a room for tomorrow? 12 people", TODAY).date())
                .isEqualTo(LocalDate.of(2027, 1, 11));
        assertThat(rules.analyze("Could we come on the day after tomorrow?", TODAY).date())
                .isEqualTo(LocalDate.of(2027, 1, 12));
        assertThat(rules.analyze("A room for next Friday, 20 guests", TODAY).date()).isEqualTo(LocalDate.of(2027, 1, 15));
        assertThat(rules.analyze("Is the hall free on Friday?", TODAY).date()).isEqualTo(LocalDate.of(2027, 1, 15));
        assertThat(rules.analyze("for the coming Saturday", TODAY).date()).isEqualTo(LocalDate.of(2027, 1, 16));
        assertThat(rules.analyze("On Sunday, please", TODAY).date()).as("never today itself")
                .isEqualTo(LocalDate.of(2027, 1, 17));
        assertThat(rules.analyze("I will call you on Monday about our party on 14 March", TODAY).date())
                .as("an absolute date wins").isEqualTo(MARCH_14);
        assertThat(rules.analyze("Tomorrow I will send the guest list", TODAY).date()).as("not about the event")
                .isNull();
        assertThat(rules.analyze("We'll decide next Friday", TODAY).date()).as("no 'for' or 'on'").isNull();
    }

    @Test
    void addsUpThePartsOfOneParty() {
        assertThat(rules.analyze("We are 40 adults and 10 children on 14 March", TODAY).guests()).isEqualTo(50);
        assertThat(rules.analyze("12 kids + 3 adults", TODAY).guests()).isEqualTo(15);
        assertThat(rules.analyze("20 adults, 5 teenagers and a dog", TODAY).guests()).isEqualTo(25);
        assertThat(rules.analyze("30 children", TODAY).guests()).isEqualTo(30);
        assertThat(rules.analyze("A party of 60; among them 40 adults and 20 kids", TODAY).guests())
                .as("the first count wins").isEqualTo(60);
    }

    @Test
    void analysesOnlyTheSanitisedCappedMessage() {
        String tail = " for 40 guests";
        String message = "x".repeat(MessageSanitizer.DEFAULT_MAX_LENGTH) + tail;
        assertThat(rules.analyze(message, TODAY).guests()).isNull();
        assertThat(rules.analyze("for 4\u00000 guests", TODAY).guests()).isEqualTo(40);
        assertThat(new RuleBasedAnalyzer(15).analyze("hello, for 40 guests please", TODAY).guests()).isNull();
    }

    @Test
    void neverThrowsForRandomHugeOrControlCharacterInput() {
        Random random = new Random(20270314L);
        String[] fragments = {"14", ".", "03", "2027", "-", "/", " march ", "for ", "40", " guests", "party of ",
            "cancel", "not ", "?", "\u0000", "\u202E", "\uD800", "\r\n", "1,", "999", "\u2019", "forty", "-five",
            "İ", "%", "€", " ", "\t"};
        for (int run = 0; run < 300; run++) {
            StringBuilder sb = new StringBuilder();
            int parts = random.nextInt(200);
            for (int i = 0; i < parts; i++) {
                if (random.nextBoolean()) {
                    sb.append(fragments[random.nextInt(fragments.length)]);
                } else {
                    sb.append((char) random.nextInt(0x10000));
                }
            }
            Analysis a = rules.analyze(sb.toString(), TODAY);
            assertThat(a.intent()).isNotNull();
            assertThat(a.source()).isEqualTo("rules");
        }
        // huge inputs are cut at the cap before any pattern runs, so they cost no more than a long email
        String digits = "1,".repeat(5_000_000);
        String words = "for for for 9".repeat(1_000_000);
        String controls = "\u0000".repeat(3_000_000);
        long started = System.nanoTime();
        assertThat(rules.analyze(digits, TODAY).intent()).isNotNull();
        assertThat(rules.analyze(words, TODAY).guests()).isNull();
        assertThat(rules.analyze(controls, TODAY).intent()).isEqualTo(Intent.OTHER);
        assertThat(rules.analyze(null, TODAY).intent()).isEqualTo(Intent.OTHER);
        // generous for a loaded CI machine; unbounded scanning of 25 MB through every pattern takes far longer
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
}
