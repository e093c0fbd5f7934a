package dev.palisade.workflow.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TypeSnifferTest {

    private static Optional<UploadType> sniff(byte[] bytes) {
        return TypeSniffer.sniff(bytes, bytes.length);
    }

    @Test
    void recognisesEachAllowedTypeFromItsBytes() {
        assertThat(sniff(SampleFiles.pdf())).contains(UploadType.PDF);
        assertThat(sniff(SampleFiles.png())).contains(UploadType.PNG);
        assertThat(sniff(SampleFiles.jpeg())).contains(UploadType.JPEG);
        assertThat(sniff(SampleFiles.text("Dear team,\r\n\tplease find the menu.\nGrüße, 😀"))).contains(UploadType.TEXT);
    }

    @Test
    void refusesExecutablesArchivesAndEmptyFiles() {
        assertThat(sniff(SampleFiles.exe())).isEmpty();
        assertThat(sniff(SampleFiles.zip())).isEmpty();
        assertThat(sniff(new byte[0])).isEmpty();
    }

    @Test
    void refusesTruncatedSignatures() {
        byte[] png = SampleFiles.png();
        // Seven of the eight signature bytes, then a byte that is not ASCII text either.
        byte[] almostPng = Arrays.copyOf(png, 8);
        almostPng[7] = 0;
        assertThat(sniff(almostPng)).isEmpty();
        assertThat(TypeSniffer.sniff(png, 7)).isEmpty();
    }

    @Test
    void acceptsTextWhosePrefixEndsInsideAMultiByteCharacter() {
        byte[] text = ("x".repeat(TypeSniffer.SNIFF_BYTES - 1) + "é and more").getBytes(StandardCharsets.UTF_8);
        // The sniffed prefix holds only the first byte of "é".
        assertThat(TypeSniffer.sniff(text, TypeSniffer.SNIFF_BYTES)).contains(UploadType.TEXT);
        assertThat(TypeSniffer.sniff("€".getBytes(StandardCharsets.UTF_8), 2)).contains(UploadType.TEXT);
    }

    @Test
    void refusesTextWithControlCharactersOtherThanTabAndLineBreaks() {
        assertThat(sniff(new byte[] {'a', 0, 'b'})).isEmpty();
        assertThat(sniff(new byte[] {'a', 0x1B, '[', '3', '1', 'm'})).isEmpty();
        assertThat(sniff(new byte[] {'a', 0x7F})).isEmpty();
        assertThat(sniff(new byte[] {'a', (byte) 0xC2, (byte) 0x85})).as("C1 control U+0085").isEmpty();
        assertThat(sniff(new byte[] {'a', '\t', 'b', '\r', '\n'})).contains(UploadType.TEXT);
    }

    @Test
    void refusesMalformedUtf8() {
        assertThat(sniff(new byte[] {'a', (byte) 0xC0, (byte) 0x80})).as("overlong NUL").isEmpty();
        assertThat(sniff(new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF})).as("overlong '/'").isEmpty();
        assertThat(sniff(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).as("surrogate").isEmpty();
        assertThat(sniff(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).as("past U+10FFFF").isEmpty();
        assertThat(sniff(new byte[] {'a', (byte) 0x80})).as("stray continuation").isEmpty();
        assertThat(sniff(new byte[] {(byte) 0xE9, 't', (byte) 0xE9})).as("Latin-1 'été'").isEmpty();
    }
}
