package dev.troupe.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as users run it: a real process, stopped by signals, restarted on the same data.
 */
@DisplayName("troupe.jar as a process")
class LauncherProcessIT {
  private static final long READY_SECONDS = 90;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dataDir;

  @Test
  @DisplayName("a document written before SIGTERM is served after a restart on the same data dir")
  void survivesGracefulRestart() throws Exception {
    try (TroupeProcess first = TroupeProcess.start(dataDir)) {
      int port = first.awaitReady(READY_SECONDS);
      HttpResponse<String> put = put(port, "/api/v1/docs/restart/doc1", "{\"kept\":\"yes\"}");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
      assertThat(first.terminate(60)).as("exit code after SIGTERM").isIn(0, 143);
      assertThat(first.output()).contains("Troupe stopped");
    }
    try (TroupeProcess second = TroupeProcess.start(dataDir)) {
      int port = second.awaitReady(READY_SECONDS);
      HttpResponse<String> get = get(port, "/api/v1/docs/restart/doc1");
      assertThat(get.statusCode()).as(get.body()).isEqualTo(200);
      assertThat(get.body()).contains("\"kept\":\"yes\"").contains("\"version\":1");
      HttpResponse<String> ready = get(port, "/health/ready");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      second.terminate(60);
    }
  }

  @Test
  @DisplayName("an acknowledged write survives kill -9 right after the answer")
  void acknowledgedWriteSurvivesKill() throws Exception {
    try (TroupeProcess first = TroupeProcess.start(dataDir)) {
      int port = first.awaitReady(READY_SECONDS);
      assertThat(put(port, "/api/v1/docs/crash/a", "{\"n\":1}").statusCode()).isEqualTo(201);
      HttpResponse<String> last = put(port, "/api/v1/docs/crash/a", "{\"n\":2}");
      assertThat(last.statusCode()).isEqualTo(200);
      first.kill();
    }
    try (TroupeProcess second = TroupeProcess.start(dataDir)) {
      int port = second.awaitReady(READY_SECONDS);
      HttpResponse<String> get = get(port, "/api/v1/docs/crash/a");
      assertThat(get.statusCode()).as(get.body()).isEqualTo(200);
      assertThat(get.body()).contains("\"version\":2").contains("\"n\":2");
      second.terminate(60);
    }
  }

  private HttpResponse<String> put(int port, String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
