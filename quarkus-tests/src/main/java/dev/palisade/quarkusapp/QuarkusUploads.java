package dev.palisade.quarkusapp;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;

/** Servlets that take uploads in the ways QuarkusEarlyAnswersTest needs, beside those of {@link QuarkusApp}. */
public final class QuarkusUploads {
    private QuarkusUploads() {
    }

    /**
     * Reads the body asynchronously, as the Servlet specification shows it: a {@link ReadListener}
     * reading while the stream is ready, answering how many bytes it read once all were read; an
     * error completes the cycle. At {@code /asyncread-completing} a read's failure in
     * {@code onDataAvailable} completes the cycle there, as many listeners do. On Quarkus, Vert.x
     * calls the listener on its event loop.
     */
    @WebServlet(urlPatterns = {"/asyncread", "/private/asyncread", "/asyncread-completing"}, asyncSupported = true)
    public static class AsyncRead extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AsyncContext async = request.startAsync();
            async.setTimeout(30_000);
            ServletInputStream in = request.getInputStream();
            in.setReadListener(new Counting(in, response, async, request.getServletPath().endsWith("-completing")));
        }
    }

    /**
     * Says how many threads are draining a request body as their exchange ends (Undertow's
     * {@code closeAndDrainRequest}): a worker held there waits for body bytes, up to Quarkus's read
     * timeout (60 s) when none will come.
     */
    @WebServlet(urlPatterns = "/draining", asyncSupported = true)
    public static class Draining extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            long draining = Thread.getAllStackTraces().values().stream()
                    .filter(stack -> Arrays.stream(stack).anyMatch(frame -> frame.getMethodName().equals("closeAndDrainRequest")))
                    .count();
            response.setContentType("text/plain");
            response.getWriter().write("draining " + draining);
        }
    }

    private static final class Counting implements ReadListener {
        private final ServletInputStream in;
        private final HttpServletResponse response;
        private final AsyncContext async;
        private final boolean completesOnReadFailure;
        private final byte[] buffer = new byte[8192];
        private long read;

        Counting(ServletInputStream in, HttpServletResponse response, AsyncContext async, boolean completesOnReadFailure) {
            this.in = in;
            this.response = response;
            this.async = async;
            this.completesOnReadFailure = completesOnReadFailure;
        }

        @Override
        public void onDataAvailable() throws IOException {
            try {
                while (in.isReady() && !in.isFinished()) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        return;
                    }
                    read += n;
                }
            } catch (IOException e) {
                if (!completesOnReadFailure) {
                    throw e;
                }
                async.complete();
            }
        }

        @Override
        public void onAllDataRead() throws IOException {
            response.setContentType("text/plain");
            response.getWriter().write("asyncread " + read);
            async.complete();
        }

        @Override
        public void onError(Throwable failure) {
            async.complete();
        }
    }
}
