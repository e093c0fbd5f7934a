package dev.palisade.workflow.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.palisade.workflow.domain.EmailStatus;
import dev.palisade.workflow.domain.OutboxEmail;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HttpEmailTransportTest {
    /** For the tests about timing out. */
    private static final Duration SHORT = Duration.ofMillis(300);
    /** Generous for the others: a cold JVM on a busy machine may take longer than SHORT for a first answer. */
    private static final Duration GENEROUS = Duration.ofSeconds(5);

    private WireMockServer service;
    private HttpEmailTransport transport;

    @BeforeEach
    void startService() {
        service = new WireMockServer(options().dynamicPort());
        service.start();
        transport = transport(GENEROUS);
    }

    private HttpEmailTransport transport(Duration requestTimeout) {
        return new HttpEmailTransport(URI.create(service.baseUrl() + "/send"), SHORT, requestTimeout);
    }

    @AfterEach
    void stopService() {
        service.stop();
    }

    private static OutboxEmail email(String id) {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        return new OutboxEmail(id, "ada.client@example.com", "Your offer \"Room A\"",
                "Dear Ada,\nthe offer is at /s/abc.\n€ 1 200", EmailStatus.PENDING, 0, t, t, null);
    }

    private void answer(int status) {
        service.stubFor(post("/send").willReturn(aResponse().withStatus(status)));
    }

    @Test
    void postsTheEmailAsJsonWithItsIdAsIdempotencyKey() {
        answer(202);
        assertThatCode(() -> transport.send(email("e-1"))).doesNotThrowAnyException();

        service.verify(1, postRequestedFor(urlEqualTo("/send"))
                .withHeader("Idempotency-Key", equalTo("e-1"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"id\":\"e-1\",\"to\":\"ada.client@example.com\","
                        + "\"subject\":\"Your offer \\\"Room A\\\"\","
                        + "\"body\":\"Dear Ada,\\nthe offer is at /s/abc.\\n€ 1 200\"}")));
    }

    @Test
    void acceptsA2xxWhateverItsBody() {
        service.stubFor(post("/send").willReturn(aResponse().withStatus(200).withBody("<<not json>>")));
        assertThatCode(() -> transport.send(email("e-2"))).doesNotThrowAnyException();
    }

    @Test
    void treatsServerErrorsAndThrottlingAsRetryable() {
        for (int status : List.of(500, 502, 503, 429, 408)) {
            service.resetAll();
            answer(status);
            EmailDeliveryException failure = catchThrowableOfType(() -> transport.send(email("e-3")),
                    EmailDeliveryException.class);
            assertThat(failure).as("status %d", status).isNotNull();
            assertThat(failure.isRetryable()).as("status %d", status).isTrue();
            assertThat(failure.getMessage()).contains(String.valueOf(status));
        }
    }

    @Test
    void treatsOtherClientErrorsAsNotRetryable() {
        for (int status : List.of(400, 401, 404, 422, 301)) {
            service.resetAll();
            answer(status);
            EmailDeliveryException failure = catchThrowableOfType(() -> transport.send(email("e-4")),
                    EmailDeliveryException.class);
            assertThat(failure).as("status %d", status).isNotNull();
            assertThat(failure.isRetryable()).as("status %d", status).isFalse();
        }
    }

    @Test
    void givesUpOnASlowServiceWithinTheTimeoutAsRetryable() {
        service.stubFor(post("/send").willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));
        HttpEmailTransport impatient = transport(SHORT);
        long start = System.nanoTime();
        EmailDeliveryException failure = catchThrowableOfType(() -> impatient.send(email("e-5")),
                EmailDeliveryException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(failure).isNotNull();
        assertThat(failure.isRetryable()).isTrue();
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void treatsABrokenConnectionAsRetryable() {
        service.stubFor(post("/send").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        EmailDeliveryException failure = catchThrowableOfType(() -> transport.send(email("e-6")),
                EmailDeliveryException.class);
        assertThat(failure).isNotNull();
        assertThat(failure.isRetryable()).isTrue();
    }

    @Test
    void treatsAnUnreachableServiceAsRetryable() {
        int port = service.port();
        service.stop();
        HttpEmailTransport unreachable = new HttpEmailTransport(URI.create("http://127.0.0.1:" + port + "/send"), SHORT,
                SHORT);
        EmailDeliveryException failure = catchThrowableOfType(() -> unreachable.send(email("e-7")),
                EmailDeliveryException.class);
        assertThat(failure).isNotNull();
        assertThat(failure.isRetryable()).isTrue();
        service.start();
    }

    @Test
    void doesNotWaitForASlowBodyAfterA2xxStatus() {
        service.stubFor(post("/send").willReturn(aResponse().withStatus(200).withBody("x".repeat(2_000))
                .withChunkedDribbleDelay(40, 20_000)));
        long start = System.nanoTime();
        assertThatCode(() -> transport.send(email("e-8"))).doesNotThrowAnyException();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
