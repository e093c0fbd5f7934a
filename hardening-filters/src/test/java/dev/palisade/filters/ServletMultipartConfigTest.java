package dev.palisade.filters;

import static dev.palisade.filters.RequestSizeLimitFilterTest.assertProblem;
import static dev.palisade.filters.RequestSizeLimitFilterTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.RequestSizeLimitFilterTest.Framing;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A multipart body without a length is parsed by the size filter, not the container: the servlet's
 * own multipart config must hold there as it does when the container parses a body with a length
 * (found by review: a chunked upload passed {@code maxFileSize}, reached servlets without a
 * multipart config, and {@code Part.write} ignored {@code location}).
 */
class ServletMultipartConfigTest {
    private static final String BOUNDARY = "Bnd7";
    private static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;
    private static final long LIMIT = 1024 * 1024;

    @TempDir
    Path tempDir;

    /**
     * Lists its parts. Its annotation is what Tomcat applies to a servlet it instantiates, unless
     * {@code web.xml} or code gives another config, which is what the tests do.
     */
    @MultipartConfig(maxFileSize = 1000, maxRequestSize = 4000)
    public static final class ListsParts extends HttpServlet {
        private static final long serialVersionUID = 1L;

        public ListsParts() {
            // Instantiated by the container, by class.
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            StringBuilder out = new StringBuilder();
            for (Part part : req.getParts()) {
                out.append(part.getName()).append('=').append(part.getSize()).append(';');
            }
            resp.getWriter().write(out.toString());
        }
    }

    /** Asks for a parameter, then reads the body: the body must still be there when there are no parts. */
    static final class NoConfig extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            if (req.getParameter("parts") != null) {
                resp.getWriter().write("parts=" + req.getParts().size());
                return;
            }
            String field = req.getParameter("a");
            try (InputStream in = req.getInputStream()) {
                resp.getWriter().write("a=" + field + " bytes=" + in.readAllBytes().length);
            }
        }
    }

    /** Writes each part by a relative name: into the config's location, as the specification says. */
    static final class WritesParts extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            for (Part part : req.getParts()) {
                part.write(req.getParameter("as"));
            }
            resp.getWriter().write("written");
        }
    }

    private RunningServer start(Container container) throws Exception {
        Path location = Files.createDirectories(tempDir.resolve("location"));
        // Relative, as a deployment would write it: Jetty resolves it against the working directory.
        Path relative = Path.of("").toAbsolutePath().relativize(location);
        Path missing = tempDir.resolve("missing");
        return container.start(ctx -> {
            FilterRegistration.Dynamic size = ctx.addFilter("size", new RequestSizeLimitFilter(
                    RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build()));
            size.addMappingForUrlPatterns(null, false, "/*");
            servlet(ctx, "limited", new ListsParts(), new MultipartConfigElement("", 1000, 4000, 0));
            ServletRegistration.Dynamic replaced = ctx.addServlet("replaced", ListsParts.class);
            replaced.addMapping("/replaced");
            replaced.setMultipartConfig(new MultipartConfigElement("", 100_000, -1, 0));
            servlet(ctx, "missingLocation", new ListsParts(), new MultipartConfigElement(missing.toString()));
            ctx.addServlet("noConfig", new NoConfig()).addMapping("/noConfig");
            servlet(ctx, "writes", new WritesParts(), new MultipartConfigElement(relative.toString()));
        });
    }

    private static void servlet(ServletContext ctx, String name, HttpServlet servlet, MultipartConfigElement config) {
        ServletRegistration.Dynamic registration = ctx.addServlet(name, servlet);
        registration.addMapping("/" + name);
        registration.setMultipartConfig(config);
    }

    private static byte[] parts(int... sizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < sizes.length; i++) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f" + i + "\"; filename=\"f" + i
                    + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] content = new byte[sizes[i]];
            Arrays.fill(content, (byte) 'p');
            out.writeBytes(content);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Jetty's registration shows the config: its limits hold without a length too. */
    @ParameterizedTest
    @EnumSource(value = Container.class, names = "JETTY")
    void holdsTheServletsMaxFileSizeAndMaxRequestSizeWithoutALength(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            byte[] fits = parts(900, 900);
            byte[] bigPart = parts(2000);
            byte[] bigRequest = parts(900, 900, 900, 900, 900);

            for (Framing framing : Framing.values()) {
                assertThat(send(server, "POST", framing, "/limited", TYPE, fits).body())
                        .as(framing.name()).isEqualTo("f0=900;f1=900;");
            }
            for (byte[] body : new byte[][] {bigPart, bigRequest}) {
                RawHttp.Response withLength = send(server, "POST", Framing.LENGTH, "/limited", TYPE, body);
                assertThat(withLength.status()).as("the container's own refusal").isBetween(400, 499);
                assertProblem(send(server, "POST", Framing.CHUNKED, "/limited", TYPE, body), 413);
            }
        }
    }

    /**
     * Tomcat's registration shows no config, and the annotation on the class is no guide: here code
     * replaced it with a larger limit, which the container holds. No limit of the filter's own
     * making refuses what the container takes, on either container.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void neverHoldsAnAnnotationTheConfigReplaced(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            for (Framing framing : Framing.values()) {
                assertThat(send(server, "POST", framing, "/replaced", TYPE, parts(5000)).body())
                        .as(framing.name()).isEqualTo("f0=5000;");
            }
        }
    }

    /**
     * Parts spill to the filter's own directory: a location that does not exist fails no upload
     * that Jetty takes with a length. (Tomcat fails such a config itself, with a length too.)
     */
    @ParameterizedTest
    @EnumSource(value = Container.class, names = "JETTY")
    void takesAnUploadWhoseConfiguredLocationDoesNotExist(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            for (Framing framing : Framing.values()) {
                assertThat(send(server, "POST", framing, "/missingLocation", TYPE, parts(30_000, 10)).body())
                        .as(framing.name()).isEqualTo("f0=30000;f1=10;");
            }
        }
    }

    /**
     * Jetty's registration tells a servlet without a multipart config: it gets no parts without a
     * length either (Jetty's own refusal), and asking for a parameter leaves the body unread.
     * Tomcat's registration does not tell; there the filter parses as before (documented).
     */
    @ParameterizedTest
    @EnumSource(value = Container.class, names = "JETTY")
    void givesAServletWithoutAMultipartConfigNoPartsWithoutALength(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            byte[] body = parts(10);
            for (Framing framing : Framing.values()) {
                assertThat(send(server, "POST", framing, "/noConfig", TYPE, body).body()).as(framing.name())
                        .isEqualTo("a=null bytes=" + body.length);
            }
            RawHttp.Response withLength = send(server, "POST", Framing.LENGTH, "/noConfig?parts=1", TYPE, body);
            RawHttp.Response chunked = send(server, "POST", Framing.CHUNKED, "/noConfig?parts=1", TYPE, body);
            assertThat(withLength.status()).isBetween(400, 599);
            assertThat(chunked.status()).isEqualTo(withLength.status());
        }
    }

    /** A relative location, resolved as Jetty does (Tomcat's config is not seen: documented). */
    @ParameterizedTest
    @EnumSource(value = Container.class, names = "JETTY")
    void writesARelativePartNameIntoTheConfiguredLocation(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            for (Framing framing : Framing.values()) {
                String name = framing.name().toLowerCase(Locale.ROOT) + ".bin";
                RawHttp.Response r = send(server, "POST", framing, "/writes?as=" + name, TYPE, parts(30_000));

                assertThat(r.body()).isEqualTo("written");
                assertThat(tempDir.resolve("location").resolve(name)).as(framing.name()).hasSize(30_000);
            }
        }
    }

}
