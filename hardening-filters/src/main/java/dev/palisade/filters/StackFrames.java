package dev.palisade.filters;

import java.util.Collection;

/**
 * Reads an exception's stack frames to tell where it was raised, for the containers whose
 * exceptions for a client's mistake or departure are plain JDK types ({@link UndertowFaults},
 * {@link GlassFishFaults}): the type alone cannot tell the client's doing from the server's.
 */
final class StackFrames {
    private static final StackTraceElement[] NONE = new StackTraceElement[0];

    private StackFrames() {
    }

    /**
     * {@code t}'s frames, or none when asking for them throws or gives a {@code null} frame: an
     * application's exception may override {@code getStackTrace()}, and this runs on the error path,
     * which must still answer. Such an exception is not the container's.
     */
    static StackTraceElement[] of(Throwable t) {
        StackTraceElement[] frames;
        try {
            frames = t.getStackTrace();
        } catch (RuntimeException unreadable) {
            return NONE;
        }
        if (frames == null) {
            return NONE;
        }
        for (StackTraceElement frame : frames) {
            if (frame == null) {
                return NONE;
            }
        }
        return frames;
    }

    /**
     * The class of the first frame outside the JDK and the packages {@code alsoPassed} (a logging
     * bridge, say): where the exception was raised (a socket's error comes through the JDK's frames);
     * {@code null} if there is none, or if a file channel is on the way, whose error starts in
     * {@code sun.nio.ch} as a socket's does (a full disk is the server's failure, not the client's).
     */
    static String raisedBy(StackTraceElement[] frames, String... alsoPassed) {
        for (StackTraceElement frame : frames) {
            String type = frame.getClassName();
            if (type.equals("sun.nio.ch.FileChannelImpl")) {
                return null;
            }
            if (!isJdk(type) && !startsWithAny(type, alsoPassed)) {
                return type;
            }
        }
        return null;
    }

    /** Whether a frame of class {@code type} is on the stack. */
    static boolean passesThrough(StackTraceElement[] frames, String type) {
        for (StackTraceElement frame : frames) {
            if (frame.getClassName().equals(type)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a frame of one of the classes {@code types} is on the stack. */
    static boolean passesThrough(StackTraceElement[] frames, Collection<String> types) {
        for (StackTraceElement frame : frames) {
            if (types.contains(frame.getClassName())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the exception was raised by the JDK's socket code (a reset, a broken pipe). */
    static boolean raisedBySocket(StackTraceElement[] frames) {
        return frames.length > 0 && frames[0].getClassName().startsWith("sun.nio.ch.")
                && passesThrough(frames, "sun.nio.ch.SocketChannelImpl");
    }

    private static boolean isJdk(String type) {
        return type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.")
                || type.startsWith("sun.");
    }

    private static boolean startsWithAny(String type, String... prefixes) {
        for (String prefix : prefixes) {
            if (type.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
