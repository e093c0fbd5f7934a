package dev.palisade.filters.testing;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainerInitializerInfo;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Embedded Undertow 2.3 (Servlet 6.0), a third container: not one of {@link Container}'s, whose
 * tests cover Jetty's and Tomcat's own ways, but the place to see what the kit does in a container
 * it has no special knowledge of beyond what it learnt for Undertow.
 */
public final class UndertowServer implements AutoCloseable {
    private final Undertow server;
    private final DeploymentManager manager;
    private final int port;
    private boolean closed;

    private UndertowServer(Undertow server, DeploymentManager manager, int port) {
        this.server = server;
        this.manager = manager;
        this.port = port;
    }

    /** Starts a server on a free loopback port with {@code setup} run as the deployment starts. */
    public static UndertowServer start(ServletSetup setup) throws Exception {
        return start(setup, deployment -> { }, builder -> { });
    }

    /**
     * Starts a server with the deployment and the server builder adjusted by the test: Undertow's
     * own limits ({@code UndertowOptions.MAX_ENTITY_SIZE}), eager filter initialisation.
     */
    public static UndertowServer start(ServletSetup setup, Consumer<DeploymentInfo> deployment,
            Consumer<Undertow.Builder> options) throws Exception {
        ServletContainerInitializer initializer = new SetupInitializer(setup);
        DeploymentInfo info = Servlets.deployment()
                .setClassLoader(UndertowServer.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("palisade-test.war")
                .addServletContainerInitializer(new ServletContainerInitializerInfo(SetupInitializer.class,
                        new ImmediateInstanceFactory<>(initializer), Set.of()));
        deployment.accept(info);
        DeploymentManager manager = Servlets.newContainer().addDeployment(info);
        manager.deploy();
        HttpHandler handler = manager.start();
        Undertow.Builder builder = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(handler);
        options.accept(builder);
        Undertow server = builder.build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        return new UndertowServer(server, manager, port);
    }

    public int port() {
        return port;
    }

    /** A fresh raw connection to the server. */
    public RawHttp raw() throws IOException {
        return RawHttp.connect(port);
    }

    /** Stops the server, waiting for its worker threads (and what they log); a second call does nothing. */
    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        server.stop();
        manager.stop();
        manager.undeploy();
    }

    private static final class SetupInitializer implements ServletContainerInitializer {
        private final ServletSetup setup;

        SetupInitializer(ServletSetup setup) {
            this.setup = setup;
        }

        @Override
        public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
            try {
                setup.register(context);
            } catch (ServletException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new ServletException(e);
            }
        }
    }
}
