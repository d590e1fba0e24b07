package dev.troupe.bench.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The baseline answers the benchmark's requests as Troupe does. One context for all: it starts in
 * seconds.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringBaselineTest {
  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    int clusterPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      clusterPort = socket.getLocalPort();
    }
    registry.add("baseline.data-dir", dataDir::toString);
    registry.add("baseline.cluster.name", () -> "spring-baseline-test-" + UUID.randomUUID());
    registry.add("baseline.cluster.port", () -> clusterPort);
    registry.add("baseline.cluster.members", () -> "127.0.0.1:" + clusterPort);
  }

  @Autowired TestRestTemplate http;

  @Autowired JdbcTemplate jdbc;

  @Test
  @DisplayName(
      "a PUT creates (201, Location, ETag \"1\") then replaces (200, version 2), answering the envelope")
  void putCreatesThenReplaces() {
    ResponseEntity<String> created = put("/api/v1/docs/books/dune", "{\"title\":\"Dune\"}");
    assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(created.getHeaders().getLocation()).hasToString("/api/v1/docs/books/dune");
    assertThat(created.getHeaders().getETag()).isEqualTo("\"1\"");
    assertThat(created.getBody())
        .startsWith("{\"collection\":\"books\",\"id\":\"dune\",\"version\":1,\"updatedAt\":\"")
        .endsWith(",\"data\":{\"title\":\"Dune\"}}");

    ResponseEntity<String> replaced =
        put("/api/v1/docs/books/dune", "{\"title\":\"Dune\",\"year\":1965}");
    assertThat(replaced.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(replaced.getHeaders().getETag()).isEqualTo("\"2\"");

    ResponseEntity<String> read = http.getForEntity("/api/v1/docs/books/dune", String.class);
    assertThat(read.getHeaders().getFirst("X-Cache")).isEqualTo("HIT");
    assertThat(read.getBody())
        .contains("\"version\":2", "\"data\":{\"title\":\"Dune\",\"year\":1965}");
  }

  @Test
  @DisplayName("a GET misses the cache once, reads the database, and hits the cache from then on")
  void cacheAside() {
    jdbc.update(
        "INSERT INTO troupe_documents (collection, id, version, updated_at, deleted, data) VALUES (?, ?, ?, ?, FALSE, ?)",
        "books",
        "emma",
        7,
        OffsetDateTime.of(2025, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
        "{\"title\":\"Emma\"}");

    ResponseEntity<String> first = http.getForEntity("/api/v1/docs/books/emma", String.class);
    assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(first.getHeaders().getFirst("X-Cache")).isEqualTo("MISS");
    assertThat(first.getHeaders().getETag()).isEqualTo("\"7\"");
    assertThat(first.getBody())
        .isEqualTo(
            "{\"collection\":\"books\",\"id\":\"emma\",\"version\":7,"
                + "\"updatedAt\":\"2025-01-01T00:00:00Z\",\"data\":{\"title\":\"Emma\"}}");

    ResponseEntity<String> second = http.getForEntity("/api/v1/docs/books/emma", String.class);
    assertThat(second.getHeaders().getFirst("X-Cache")).isEqualTo("HIT");
    assertThat(second.getBody()).isEqualTo(first.getBody());
  }

  @Test
  @DisplayName("an absent document is a 404 and a bad name a 400, both application/problem+json")
  void problems() {
    ResponseEntity<String> absent = http.getForEntity("/api/v1/docs/books/nobody", String.class);
    assertThat(absent.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(absent.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);

    ResponseEntity<String> badName = http.getForEntity("/api/v1/docs/Books/x", String.class);
    assertThat(badName.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(badName.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
  }

  private ResponseEntity<String> put(String path, String json) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return http.exchange(path, HttpMethod.PUT, new HttpEntity<>(json, headers), String.class);
  }
}
