package io.chainsight.core.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.chainsight.core.json.JsonLayout;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registrar stand-in on a real loopback socket, called with the JDK HTTP client. */
class RegistrarStandInIT {
  private static final String AGENT = "d432fbb3-d2f1-4a97-9ef7-75bd81c00000";
  private static final String REGISTRATION =
      JsonLayout.REGISTRAR.write(
          JsonNodeFactory.instance
              .objectNode()
              .put("ek_tpm", "AAEA")
              .put("aik_tpm", "ARgA")
              .putNull("mtls_cert"));
  private static final String ACTIVATION =
      JsonLayout.REGISTRAR.write(JsonNodeFactory.instance.objectNode().put("auth_tag", "ab"));

  private final HttpClient client = HttpClient.newHttpClient();
  private RegistrarStandIn standIn;

  @BeforeEach
  void start() throws Exception {
    standIn = RegistrarStandIn.start(0);
  }

  @AfterEach
  void stop() {
    standIn.close();
  }

  @Test
  void bindsToLoopbackOnAnEphemeralPort() {
    assertThat(standIn.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(standIn.port()).isPositive();
  }

  @Test
  void versionAnswersInTheRegistrarEnvelope() throws Exception {
    HttpResponse<String> response = send("GET", "/version", null, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.body())
        .isEqualTo(
            "{\"code\": 200, \"status\": \"Success\", \"results\": "
                + "{\"current_version\": \"2.5\", \"supported_versions\": [\"1.0\", \"2.0\", \"2.1\", \"2.2\", \"2.3\", "
                + "\"2.4\", \"2.5\", \"3.0\"], \"forwarded_client_subject\": null}}\n");
  }

  @Test
  void forwardedClientSubjectIsEchoedBack() throws Exception {
    HttpResponse<String> response =
        send(
            "GET",
            "/version",
            null,
            "Hash=ab12;Subject=\"CN=" + AGENT + ",O=chainsight example\";DNS=agent.keylime.test");

    assertThat(response.body())
        .contains("\"forwarded_client_subject\": \"CN=" + AGENT + ",O=chainsight example\"");
  }

  @Test
  void registrationAnswersWithABase64Blob() throws Exception {
    HttpResponse<String> response = send("POST", "/v2.5/agents/" + AGENT, REGISTRATION, null);

    assertThat(response.statusCode()).isEqualTo(200);
    Matcher blob =
        Pattern.compile(
                "\\{\"code\": 200, \"status\": \"Success\", \"results\": "
                    + "\\{\"blob\": \"([A-Za-z0-9+/=]+)\", \"forwarded_client_subject\": null}}\n")
            .matcher(response.body());
    assertThat(blob.matches()).as(response.body()).isTrue();
    assertThat(Base64.getDecoder().decode(blob.group(1))).hasSize(32);
  }

  @Test
  void registrationWithABodyThatIsNotJsonIs400() throws Exception {
    HttpResponse<String> response = send("POST", "/v2.1/agents/" + AGENT, "ek=1", null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .startsWith(
            "{\"code\": 400, \"status\": \"Bad Request: the registration body is "
                + "not a JSON object")
        .endsWith("\"results\": {}}\n");
  }

  @Test
  void activateAndUpdateAnswerEmptyResults() throws Exception {
    String empty =
        "{\"code\": 200, \"status\": \"Success\", \"results\": {\"forwarded_client_subject\": null}}\n";

    assertThat(send("PUT", "/v2.5/agents/" + AGENT + "/activate", ACTIVATION, null).body())
        .isEqualTo(empty);
    assertThat(send("PUT", "/v2/agents/" + AGENT, ACTIVATION, null).body()).isEqualTo(empty);
    assertThat(send("PUT", "/v1.0/agents/" + AGENT + "/activate", "{}", null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void v3RegistrationAndActivation() throws Exception {
    assertThat(send("POST", "/v3.0/agents", REGISTRATION, null).body()).contains("\"blob\": \"");
    assertThat(send("POST", "/v3/agents", REGISTRATION, null).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/v3.0/agents/" + AGENT + "/activate", "{}", null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void unknownPathIs404InTheEnvelope() throws Exception {
    HttpResponse<String> response = send("GET", "/v2.5/agents", null, null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body())
        .startsWith(
            "{\"code\": 404, \"status\": \"Not Found: /v2.5/agents is not a route "
                + "of the registrar stand-in (expected one of: GET /version, ")
        .endsWith("\"results\": {}}\n");
  }

  @Test
  void unknownApiVersionIs404() throws Exception {
    assertThat(send("POST", "/v4.0/agents/" + AGENT, REGISTRATION, null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    HttpResponse<String> response = send("GET", "/v2.5/agents/" + AGENT, null, null);

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).contains("POST, PUT");
    assertThat(response.body())
        .isEqualTo(
            "{\"code\": 405, \"status\": \"Method Not Allowed: GET /v2.5/agents/"
                + AGENT
                + " (expected: POST, PUT)\", \"results\": {}}\n");
  }

  @Test
  void queryStringDoesNotChangeTheRoute() throws Exception {
    assertThat(send("GET", "/version?x=1", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void bodyLargerThanTheLimitIs413() throws Exception {
    String huge =
        JsonLayout.REGISTRAR.write(Map.of("x", "a".repeat(RegistrarStandIn.MAX_BODY_BYTES)));

    assertThat(send("POST", "/v2.5/agents/" + AGENT, huge, null).statusCode()).isEqualTo(413);
  }

  @Test
  void secondStandInOnTheSamePortFailsToBind() {
    assertThatThrownBy(() -> RegistrarStandIn.start(standIn.port()))
        .isInstanceOf(BindException.class);
  }

  @Test
  void closeStopsListening() {
    int port = standIn.port();
    standIn.close();

    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/version"))
                        .build(),
                    BodyHandlers.ofString()))
        .isInstanceOf(java.net.ConnectException.class);
  }

  private HttpResponse<String> send(String method, String path, String body, String xfcc)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + standIn.port() + path))
            .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (xfcc != null) {
      request.header("X-Forwarded-Client-Cert", xfcc);
    }
    return client.send(request.build(), BodyHandlers.ofString());
  }
}
