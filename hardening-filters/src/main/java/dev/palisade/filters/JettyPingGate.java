package dev.palisade.filters;

import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Jetty HTTP/2 session's early answers waiting for the client's acknowledgement of a PING before
 * Jetty resets their streams with {@code NO_ERROR} (see {@link JettyStreamReset}, and {@link
 * PingGatedResets}, whose gate it drives). curl (7.88) failed the transfer, the complete answer
 * dropped ("Stream error in the HTTP/2 framing layer"), when the reset came at once after the answer:
 * 25 of 50 8 MB uploads answered 413, 9 of 50 1 MB uploads answered 401 (a probe, Jetty 12.1.14,
 * h2c); none of 50 once the reset waited. Each stream's completion ({@code HttpStream.failed} with
 * Jetty's {@code CONTENT_NOT_CONSUMED}, which resets with {@code NO_ERROR}) is held until then; a
 * stream the client ends meanwhile is completed without a reset ({@code succeeded}).
 *
 * <p>Jetty calls from any thread, and acknowledges a PING on its selector: the gate is used under
 * this object's lock, the streams completed outside it. The session's frame listener, which sees
 * every incoming frame, is registered only while a PING is out.
 */
final class JettyPingGate implements PingGatedResets.Connection {
    private static final Logger LOG = LoggerFactory.getLogger(JettyPingGate.class);
    /** A PING's 8 bytes, "palisade". */
    static final long PING_DATA = 0x70616c6973616465L;

    private final JettyHttp2Api api;
    private final WeakReference<Object> session;
    private final Object scheduler;
    private final Object frameListener;
    private final PingGatedResets gate = new PingGatedResets(this);
    /** The streams whose completion is held, by id. */
    private final Map<Integer, Object> held = new HashMap<>();
    /** Completions decided under the lock, run after it. */
    private final List<Runnable> due = new ArrayList<>();
    private Runnable onAnswer;
    private boolean listening;

    JettyPingGate(JettyHttp2Api api, Object session, Object scheduler) {
        this.api = api;
        this.session = new WeakReference<>(session);
        this.scheduler = scheduler;
        this.frameListener = Proxy.newProxyInstance(api.frameListenerType().getClassLoader(),
                new Class<?>[] {api.frameListenerType()}, new PingAnswers());
    }

    /** Jetty found the body of {@code stream} unread once its answer ended: its completion, through the gate. */
    void answered(int id, Object stream) {
        synchronized (this) {
            held.put(id, stream);
            gate.answered(id);
        }
        runDue();
    }

    @Override
    public boolean remoteOpen(int id) {
        boolean open = isRemoteOpen(id);
        if (!open) {
            complete(id, false);
        }
        return open;
    }

    @Override
    public void reset(int id) {
        complete(id, isRemoteOpen(id));
    }

    @Override
    public void ping(Runnable answer) {
        Object s = session.get();
        if (s == null) {
            return;
        }
        onAnswer = answer;
        try {
            if (!listening) {
                api.addFrameListener(s, frameListener);
                listening = true;
            }
            api.ping(s, PING_DATA);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // The gate's deadline completes the streams instead.
            LOG.debug("Could not send a PING before the HTTP/2 streams' reset", e);
        }
    }

    @Override
    public boolean schedule(Runnable task, long millis) {
        try {
            api.schedule(scheduler, () -> {
                synchronized (this) {
                    task.run();
                }
                runDue();
            }, millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Could not schedule a PING or its deadline on Jetty's scheduler", e);
            return false;
        }
    }

    @Override
    public void idle() {
        Object s = session.get();
        if (s == null || !listening) {
            return;
        }
        listening = false;
        try {
            api.removeFrameListener(s, frameListener);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Could not remove the PING listener", e);
        }
    }

    /**
     * The connection has closed: the streams held for its PING are completed (nothing to reset) and
     * let go at once. Held until the PING's deadline, each kept its closed session, 28-34 KB, for up to
     * 3 s: a review's clients uploading over the limit and hanging up, 1,300 connections a second,
     * kept about 100 MB in the heap.
     */
    void closed() {
        synchronized (this) {
            for (Integer id : List.copyOf(held.keySet())) {
                complete(id, false);
            }
        }
        runDue();
    }

    /** Streams held for this session's PING: for tests. */
    int heldCount() {
        synchronized (this) {
            return held.size();
        }
    }

    private boolean isRemoteOpen(int id) {
        Object s = session.get();
        try {
            return s != null && api.remoteOpen(s, id);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Could not read the HTTP/2 stream's state; taken as closed", e);
            return false;
        }
    }

    /** Under the lock: {@code id}'s completion, with the reset or without, to run once it is left. */
    private void complete(int id, boolean reset) {
        Object stream = held.remove(id);
        if (stream != null) {
            due.add(() -> api.complete(stream, reset));
        }
    }

    private void runDue() {
        List<Runnable> run;
        synchronized (this) {
            if (due.isEmpty()) {
                return;
            }
            run = new ArrayList<>(due);
            due.clear();
        }
        run.forEach(Runnable::run);
    }

    private void acknowledged() {
        synchronized (this) {
            Runnable answer = onAnswer;
            onAnswer = null;
            if (answer != null) {
                answer.run();
            }
        }
        runDue();
    }

    /** The session's {@code FrameListener}: our PING's acknowledgement. */
    private final class PingAnswers implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws InvocationTargetException {
            if (method.getDeclaringClass() == Object.class) {
                return JettyHttp2Api.objectMethod(proxy, method, args, "palisade PING listener");
            }
            if (method.getName().equals("onIncomingFrame") && args != null && args.length == 2
                    && api.isOurPingAnswer(args[1], PING_DATA)) {
                acknowledged();
            }
            return null;
        }
    }
}
