package dev.palisade.workflow.email;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.palisade.filters.Redactor;
import dev.palisade.workflow.domain.OutboxEmail;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each email as JSON {@code {"id","to","subject","body"}} to the email service, with the outbox
 * row's id as the {@code Idempotency-Key} header so the service can drop a repeat of an email it
 * already accepted (a retry after an answer that was lost, or after a crash before the row was marked
 * sent).
 *
 * <p>Outcome by answer: any 2xx is accepted, whatever its body (the service took responsibility for
 * the email; its body is not read). 408, 409 (the same key is still being processed), 425, 429, 5xx,
 * timeouts and I/O errors are retryable. Every other status (other 4xx, and 3xx: redirects are not
 * followed, a moved endpoint is a configuration error) is a refusal of this email, not retryable.
 *
 * <p>The body and the full recipient never reach the log. Thread-safe; one instance (one
 * {@link HttpClient}) serves the whole server.
 */
public final class HttpEmailTransport implements EmailTransport {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEmailTransport.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final Duration requestTimeout;
    private final HttpClient client;

    /**
     * @param connectTimeout limit for opening a connection
     * @param requestTimeout limit from sending the request until the status line and headers arrive
     */
    public HttpEmailTransport(URI endpoint, Duration connectTimeout, Duration requestTimeout) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public HttpEmailTransport(EmailConfig config) {
        this(config.url(), config.connectTimeout(), config.requestTimeout());
    }

    @Override
    public void send(OutboxEmail email) throws EmailDeliveryException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", email.id())
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(email)))
                .build();
        int status;
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            // The answer's body is never needed; closing it at once keeps a slow body from holding the sender.
            response.body().close();
        } catch (HttpTimeoutException e) {
            throw new EmailDeliveryException("email service did not answer within its timeout", true, e);
        } catch (IOException e) {
            throw new EmailDeliveryException("email service unreachable: " + e.getClass().getSimpleName(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmailDeliveryException("interrupted while sending an email", true, e);
        }
        if (status >= 200 && status < 300) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("Email {} to {} accepted by the email service ({})", email.id(),
                        Redactor.redact(email.recipient()), status);
            }
            return;
        }
        throw new EmailDeliveryException("email service answered " + status, isRetryable(status), null);
    }

    static boolean isRetryable(int status) {
        return status == 408 || status == 409 || status == 425 || status == 429 || status >= 500;
    }

    private static byte[] json(OutboxEmail email) throws EmailDeliveryException {
        ObjectNode payload = JSON.createObjectNode()
                .put("id", email.id())
                .put("to", email.recipient())
                .put("subject", email.subject())
                .put("body", email.body());
        try {
            return JSON.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            // Not expected for a tree of strings; never retryable, the same row would fail again.
            throw new EmailDeliveryException("email could not be encoded as JSON", false, e);
        }
    }
}
