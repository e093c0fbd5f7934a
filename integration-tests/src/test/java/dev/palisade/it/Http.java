package dev.palisade.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.MultiPartRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;

/** Jetty's {@link HttpClient} for one test class: bounded requests, bodies as text, JSON on demand. */
final class Http implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 30;

    private final HttpClient client;
    private final String baseUrl;

    private Http(HttpClient client, String baseUrl) {
        this.client = client;
        this.baseUrl = baseUrl;
    }

    static Http to(ServerProcess server) {
        return to(server.baseUrl());
    }

    static Http to(String baseUrl) {
        HttpClient client = new HttpClient();
        client.setFollowRedirects(false);
        client.setMaxConnectionsPerDestination(16);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the HTTP client", e);
        }
        return new Http(client, baseUrl);
    }

    Reply get(String path, String token) {
        return send(request("GET", path, token));
    }

    Reply get(String path) {
        return get(path, null);
    }

    Reply postJson(String path, String token, String json) {
        return send(request("POST", path, token).body(new StringRequestContent("application/json", json)));
    }

    Reply putJson(String path, String token, String json) {
        return send(request("PUT", path, token).body(new StringRequestContent("application/json", json)));
    }

    Reply post(String path, String token, String contentType, byte[] body) {
        return send(request("POST", path, token).body(new BytesRequestContent(contentType, body)));
    }

    /** {@code POST path} with one multipart field {@code file}. */
    Reply upload(String path, String token, String fileName, String partType, byte[] bytes) {
        MultiPartRequestContent multipart = new MultiPartRequestContent();
        multipart.addPart(new MultiPart.ContentSourcePart("file", fileName,
                HttpFields.build().put(HttpHeader.CONTENT_TYPE, partType), new BytesRequestContent(partType, bytes)));
        multipart.close();
        return send(request("POST", path, token).body(multipart));
    }

    Request request(String method, String path, String token) {
        Request request = client.newRequest(baseUrl + path).method(method).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (token != null) {
            request.headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + token));
        }
        return request;
    }

    Request request(String method, String path, String token, Consumer<HttpFields.Mutable> headers) {
        return request(method, path, token).headers(headers);
    }

    Reply send(Request request) {
        try {
            ContentResponse response = request.send();
            return new Reply(response.getStatus(), response.getHeaders(), response.getContentAsString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException(request.getMethod() + " " + request.getPath() + " failed", e);
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop the HTTP client", e);
        }
    }

    /** One response, its body read as text. */
    record Reply(int status, HttpFields headers, String body) {
        String header(String name) {
            return headers.get(name);
        }

        List<String> headerValues(String name) {
            return headers.getValuesList(name);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON (status " + status + "): " + body, e);
            }
        }

        String text(String field) {
            JsonNode node = json().get(field);
            if (node == null || node.isNull()) {
                throw new AssertionError("No field '" + field + "' in (status " + status + "): " + body);
            }
            return node.asText();
        }

        @Override
        public String toString() {
            return status + " " + headers.asString().replace("\r\n", " | ") + body;
        }
    }
}
