package dev.troupe.bench.spring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/docs/{collection}/{id}}: the part of Troupe's API the benchmarks use, answered the
 * same way (the envelope, {@code ETag}, {@code X-Cache}, 201 with {@code Location} for a new
 * document, problem+json errors). A GET with a current {@code If-None-Match} gets 304 from Spring's
 * own conditional-request handling of {@link ResponseEntity}.
 */
@RestController
@RequestMapping("/api/v1/docs/{collection}/{id}")
class DocumentController {
  private final DocumentService documents;

  DocumentController(DocumentService documents) {
    this.documents = documents;
  }

  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Document> get(@PathVariable String collection, @PathVariable String id) {
    DocumentService.Read read = documents.get(new DocumentKey(collection, id));
    return ResponseEntity.ok()
        .eTag(read.document().etag())
        .header("X-Cache", read.hit() ? "HIT" : "MISS")
        .body(read.document());
  }

  @PutMapping(
      consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Document> put(
      @PathVariable String collection, @PathVariable String id, @RequestBody ObjectNode data) {
    DocumentKey key = new DocumentKey(collection, id);
    DocumentService.Written written = documents.put(key, data.toString());
    ResponseEntity.BodyBuilder response =
        written.created()
            ? ResponseEntity.created(URI.create("/api/v1/docs/" + collection + "/" + id))
            : ResponseEntity.ok();
    return response.eTag(written.document().etag()).body(written.document());
  }
}
