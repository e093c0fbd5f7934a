package dev.palisade.filters.nobackend;

import dev.palisade.filters.SafeErrorFilter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * A Tomcat with {@link SafeErrorFilter} in front of a servlet that throws, run in a JVM whose class
 * path holds {@code slf4j-api} and no SLF4J backend, as a WAR in a standalone container does. It
 * writes its port to the file named by its first argument, keeps Tomcat's files in the directory
 * named by its second, and runs until killed. Tomcat's own log (JULI, on
 * {@code java.util.logging}) goes to standard error.
 */
public final class NoBackendTomcat {
    private NoBackendTomcat() {
    }

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        // In the test's own temporary directory: this process is killed, it cannot clean up.
        tomcat.setBaseDir(Files.createDirectories(Path.of(args[1])).toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Path docBase = Files.createDirectories(Path.of(tomcat.getServer().getCatalinaBase().getPath(), "docroot"));
        Context context = tomcat.addContext("", docBase.toString());
        context.addServletContainerInitializer((classes, ctx) -> {
            FilterRegistration.Dynamic filter = ctx.addFilter("safeError", new SafeErrorFilter());
            filter.setAsyncSupported(true);
            filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            ServletRegistration.Dynamic servlet = ctx.addServlet("boom", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    switch (req.getRequestURI()) {
                        case "/bare" -> resp.sendError(503);
                        case "/late" -> {
                            AsyncContext async = req.startAsync();
                            async.start(() -> {
                                async.complete();
                                throw new IllegalStateException("late for bob@example.com");
                            });
                        }
                        default -> throw new IllegalStateException("boom for jane.doe@example.com");
                    }
                }
            });
            servlet.setAsyncSupported(true);
            servlet.addMapping("/");
        }, null);
        tomcat.start();
        Path portFile = Path.of(args[0]);
        Path written = Files.writeString(Path.of(args[0] + ".tmp"), Integer.toString(connector.getLocalPort()),
                StandardCharsets.US_ASCII);
        Files.move(written, portFile);
        tomcat.getServer().await();
    }
}
