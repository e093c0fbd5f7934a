package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.LogCapture;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which abort an Undertow context gets: Undertow's own connection where its exchange has
 * {@code getConnection()}, Quarkus's Vert.x exchange where it has {@code getDelegate()} instead.
 * The fork's public shape (as Quarkus 3.20.1's {@code quarkus-http} 5.3.4 has it, and 3.33.2's 5.5.0)
 * is compiled here into stubs the context's class loader sees before Undertow 2.3's (this module's
 * tests have Undertow 2.3 on their class path). Closing through it on a real Quarkus is the
 * {@code quarkus-tests} module's {@code QuarkusUndertowTest}.
 */
class QuarkusConnectionTest {
    private static final Map<String, String> FORK = Map.ofEntries(
            Map.entry("io/undertow/servlet/spec/HttpServletRequestImpl.java",
                    "package io.undertow.servlet.spec; public abstract class HttpServletRequestImpl"
                    + " implements jakarta.servlet.http.HttpServletRequest {"
                    + " public io.undertow.server.HttpServerExchange getExchange() { return null; } }"),
            Map.entry("io/undertow/server/HttpServerExchange.java",
                    "package io.undertow.server; public class HttpServerExchange {"
                    + " public io.undertow.httpcore.HttpExchange getDelegate() { return null; } }"),
            Map.entry("io/undertow/httpcore/HttpExchange.java",
                    "package io.undertow.httpcore; public interface HttpExchange { }"),
            Map.entry("io/undertow/vertx/VertxHttpExchange.java",
                    "package io.undertow.vertx; public class VertxHttpExchange implements io.undertow.httpcore.HttpExchange {"
                    + " public void close() { } public Object getContext() { return null; }"
                    + " public boolean isInIoThread() { return false; } }"),
            Map.entry("io/vertx/ext/web/RoutingContext.java",
                    "package io.vertx.ext.web; public interface RoutingContext { io.vertx.core.http.HttpServerResponse response();"
                    + " io.vertx.core.http.HttpServerRequest request();"
                    + " int addBodyEndHandler(io.vertx.core.Handler<Void> handler); }"),
            Map.entry("io/vertx/core/Handler.java",
                    "package io.vertx.core; public interface Handler<E> { void handle(E event); }"),
            Map.entry("io/vertx/core/http/HttpServerResponse.java",
                    "package io.vertx.core.http; public interface HttpServerResponse { boolean reset(long code);"
                    + " int streamId(); HttpServerResponse exceptionHandler(io.vertx.core.Handler<Throwable> handler); }"),
            Map.entry("io/vertx/core/http/HttpServerRequest.java",
                    "package io.vertx.core.http; public interface HttpServerRequest { HttpConnection connection(); }"),
            Map.entry("io/vertx/core/http/HttpConnection.java",
                    "package io.vertx.core.http; public interface HttpConnection { io.vertx.core.Future<Void> close();"
                    + " HttpConnection ping(io.vertx.core.buffer.Buffer data,"
                    + " io.vertx.core.Handler<io.vertx.core.AsyncResult<io.vertx.core.buffer.Buffer>> pong); }"),
            Map.entry("io/vertx/core/buffer/Buffer.java",
                    "package io.vertx.core.buffer; public interface Buffer {"
                    + " static Buffer buffer(byte[] bytes) { return null; } }"),
            Map.entry("io/vertx/core/AsyncResult.java",
                    "package io.vertx.core; public interface AsyncResult<T> { }"),
            Map.entry("io/vertx/core/net/impl/ConnectionBase.java",
                    "package io.vertx.core.net.impl; public abstract class ConnectionBase {"
                    + " public io.netty.channel.ChannelHandlerContext channelHandlerContext() { return null; } }"),
            Map.entry("io/netty/channel/ChannelHandlerContext.java",
                    "package io.netty.channel; public interface ChannelHandlerContext {"
                    + " io.netty.util.concurrent.EventExecutor executor(); ChannelHandler handler(); }"),
            Map.entry("io/netty/channel/ChannelHandler.java",
                    "package io.netty.channel; public interface ChannelHandler { }"),
            Map.entry("io/netty/util/concurrent/EventExecutor.java",
                    "package io.netty.util.concurrent; public interface EventExecutor extends java.util.concurrent.Executor { }"),
            Map.entry("io/netty/handler/codec/http2/Http2ConnectionHandler.java",
                    "package io.netty.handler.codec.http2; public class Http2ConnectionHandler"
                    + " implements io.netty.channel.ChannelHandler { public Http2Connection connection() { return null; }"
                    + " public void onError(io.netty.channel.ChannelHandlerContext ctx, boolean outbound, Throwable cause) { } }"),
            Map.entry("io/netty/handler/codec/http2/Http2Connection.java",
                    "package io.netty.handler.codec.http2; public interface Http2Connection { Http2Stream stream(int id); }"),
            Map.entry("io/netty/handler/codec/http2/Http2Stream.java",
                    "package io.netty.handler.codec.http2; public interface Http2Stream { State state();"
                    + " enum State { OPEN; public boolean remoteSideOpen() { return true; } } }"),
            Map.entry("io/netty/handler/codec/http2/Http2Exception.java",
                    "package io.netty.handler.codec.http2; public class Http2Exception extends Exception {"
                    + " public static Http2Exception streamError(int id, Http2Error error, String fmt, Object... args) {"
                    + " return new Http2Exception(); } }"),
            Map.entry("io/netty/handler/codec/http2/Http2Error.java",
                    "package io.netty.handler.codec.http2; public enum Http2Error { NO_ERROR, CANCEL }"),
            Map.entry("io/vertx/core/Future.java",
                    "package io.vertx.core; public interface Future<T> {"
                    + " java.util.concurrent.CompletionStage<T> toCompletionStage(); }"));

    @TempDir
    Path classes;

    /** Undertow 2.3 (on the test class path): its own connection close, not Quarkus's. */
    @Test
    void undertowsOwnExchangeGetsUndertowsClose() {
        ConnectionAbort abort = ConnectionAbort.forContainer(undertowContext(getClass().getClassLoader()));

        assertThat(abort).isNotSameAs(ConnectionAbort.NONE);
        assertThat(abort.isQuarkus()).isFalse();
        assertThat(abort.endsCommittedTaskFailures()).isFalse();
        assertThat(QuarkusConnection.find(getClass().getClassLoader())).isNull();
    }

    /** Quarkus's fork: no getConnection(), a Vert.x exchange behind getDelegate(): the Vert.x close, and task failures ended by the kit. */
    @Test
    void quarkussForkGetsTheVertxClose() throws IOException {
        try (URLClassLoader fork = forkFirst(compileFork());
                LogCapture log = LogCapture.of(QuarkusConnection.class);
                LogCapture resetLog = LogCapture.of(QuarkusStreamReset.class);
                LogCapture cancelLog = LogCapture.of(QuarkusStreamCancel.class)) {
            ConnectionAbort abort = ConnectionAbort.forContainer(undertowContext(fork));

            assertThat(abort.isQuarkus()).isTrue();
            assertThat(abort.endsCommittedTaskFailures()).isTrue();
            assertThat(QuarkusConnection.find(fork)).isNotNull();
            assertThat(QuarkusStreamReset.find(fork)).isNotNull();
            assertThat(QuarkusStreamCancel.find(fork)).isNotNull();
            // The HTTP/2 resets (CANCEL, and NO_ERROR after an early answer), the awaited close and the
            // close at the response's end were found too: no WARN.
            assertThat(log.events()).noneMatch(event -> event.getLevel() == Level.WARN);
            assertThat(resetLog.events()).noneMatch(event -> event.getLevel() == Level.WARN);
            assertThat(cancelLog.events()).noneMatch(event -> event.getLevel() == Level.WARN);
        }
    }

    private Path compileFork() throws IOException {
        Path sources = Files.createDirectories(classes.resolve("src"));
        List<String> arguments = new ArrayList<>(List.of("-d", classes.resolve("out").toString(),
                "-cp", System.getProperty("java.class.path")));
        for (Map.Entry<String, String> source : FORK.entrySet()) {
            Path file = sources.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, arguments.toArray(String[]::new))).isZero();
        return classes.resolve("out");
    }

    /**
     * Loads the fork's classes from {@code dir} before its parent's (which has Undertow 2.3's of the
     * same names, and may have another Netty's), falling back to the parent's for the rest.
     */
    private URLClassLoader forkFirst(Path dir) throws IOException {
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded == null && (name.startsWith("io.undertow.") || name.startsWith("io.vertx.")
                            || name.startsWith("io.netty."))) {
                        try {
                            loaded = findClass(name);
                        } catch (ClassNotFoundException notInFork) {
                            loaded = super.loadClass(name, false);
                        }
                    }
                    return loaded != null ? loaded : super.loadClass(name, resolve);
                }
            }
        };
    }

    private static ServletContext undertowContext(ClassLoader loader) {
        return (ServletContext) Proxy.newProxyInstance(QuarkusConnectionTest.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getServerInfo" -> "Undertow - 5.3.4";
                    case "getClassLoader" -> loader;
                    default -> null;
                });
    }
}
