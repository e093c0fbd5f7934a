package dev.palisade.filters.testing;

/**
 * Exceptions with made-up stack frames, for the recognitions that go by where an exception was
 * raised (a container's class, the JDK's socket code): the look-alikes a real server cannot make.
 */
public final class SyntheticFrames {
    private SyntheticFrames() {
    }

    /** {@code e}, its stack trace replaced by one frame per class name, innermost first. */
    public static <T extends Throwable> T withFrames(T e, String... classNames) {
        StackTraceElement[] trace = new StackTraceElement[classNames.length];
        for (int i = 0; i < classNames.length; i++) {
            trace[i] = new StackTraceElement(classNames[i], "m", null, 1);
        }
        e.setStackTrace(trace);
        return e;
    }
}
