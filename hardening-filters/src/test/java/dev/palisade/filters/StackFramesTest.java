package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link StackFrames}: it runs on the error path, so odd or empty frames must answer, not throw. */
class StackFramesTest {
    private static StackTraceElement[] frames(String... types) {
        StackTraceElement[] frames = new StackTraceElement[types.length];
        for (int i = 0; i < types.length; i++) {
            frames[i] = new StackTraceElement(types[i], "m", null, -1);
        }
        return frames;
    }

    @Test
    void anExceptionWhoseFramesAreNullHasNone() {
        RuntimeException nullFrames = new RuntimeException("odd") {
            private static final long serialVersionUID = 1L;

            @Override
            public StackTraceElement[] getStackTrace() {
                return null;
            }
        };

        assertThat(StackFrames.of(nullFrames)).isEmpty();
    }

    @Test
    void noFramesAreNoSocketsErrorAndHaveNoRaiser() {
        StackTraceElement[] none = frames();

        assertThat(StackFrames.raisedBySocket(none)).isFalse();
        assertThat(StackFrames.raisedBy(none)).isNull();
    }

    @Test
    void aSocketsErrorStartsInTheJdksSocketCode() {
        assertThat(StackFrames.raisedBySocket(frames("sun.nio.ch.SocketDispatcher", "sun.nio.ch.SocketChannelImpl",
                "com.example.App"))).isTrue();
        assertThat(StackFrames.raisedBySocket(frames("sun.nio.ch.FileDispatcherImpl", "sun.nio.ch.FileChannelImpl",
                "com.example.App"))).isFalse();
        assertThat(StackFrames.raisedBySocket(frames("com.example.App", "sun.nio.ch.SocketChannelImpl"))).isFalse();
    }

    @Test
    void theRaiserIsTheFirstFrameOutsideTheJdkAndThePackagesPassed() {
        StackTraceElement[] frames = frames("java.io.InputStream", "org.jboss.logging.Logger", "com.example.App");

        assertThat(StackFrames.raisedBy(frames)).isEqualTo("org.jboss.logging.Logger");
        assertThat(StackFrames.raisedBy(frames, "org.jboss.logging.")).isEqualTo("com.example.App");
        assertThat(StackFrames.raisedBy(frames("java.io.InputStream", "jdk.internal.Foo"))).isNull();
        assertThat(StackFrames.raisedBy(frames("sun.nio.ch.FileChannelImpl", "com.example.App"))).isNull();
        assertThat(StackFrames.passesThrough(frames, List.of("x.Y", "com.example.App"))).isTrue();
        assertThat(StackFrames.passesThrough(frames, List.of("x.Y"))).isFalse();
    }
}
