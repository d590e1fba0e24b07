package dev.troupe.bench.spring;

import com.hazelcast.map.IMap;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;

/**
 * Cache-aside reads and write-then-cache writes, as Troupe's pipeline does them: a read tries the
 * cache, then on a miss the database and a fill; a write commits, then moves the cache forward to
 * the committed version. The cache keeps the newest version when fills and writes race.
 */
@Service
class DocumentService {
  /** A document read, and whether the cache answered. */
  record Read(Document document, boolean hit) {}

  /** A document written, and whether it is new. */
  record Written(Document document, boolean created) {}

  private final DocumentRepository repository;
  private final IMap<String, Document> cache;
  private final TransactionTemplate transactions;
  private final Clock clock = Clock.systemUTC();

  DocumentService(
      DocumentRepository repository,
      IMap<String, Document> documentCache,
      TransactionTemplate transactions) {
    this.repository = repository;
    this.cache = documentCache;
    this.transactions = transactions;
  }

  Read get(DocumentKey key) {
    Document cached = cache.get(key.cacheKey());
    if (cached != null) {
      return new Read(cached, true);
    }
    Document stored = repository.find(key).orElseThrow(() -> notFound(key));
    fill(key, stored);
    return new Read(stored, false);
  }

  Written put(DocumentKey key, String data) {
    Written written;
    try {
      written = transactions.execute(tx -> write(key, data));
    } catch (DuplicateKeyException e) {
      // Two creators of one new key both found no row to lock; the loser retries against the
      // winner's row.
      written = transactions.execute(tx -> write(key, data));
    }
    fill(key, written.document());
    return written;
  }

  private Written write(DocumentKey key, String data) {
    DocumentRepository.StoredVersion stored = repository.lock(key).orElse(null);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Document doc =
        new Document(
            key.collection(), key.id(), stored == null ? 1 : stored.version() + 1, now, data);
    if (stored == null) {
      repository.insert(doc);
    } else {
      repository.update(doc);
    }
    repository.appendChange(doc, "put");
    return new Written(doc, stored == null || stored.deleted());
  }

  private void fill(DocumentKey key, Document doc) {
    cache.merge(key.cacheKey(), doc, Document::newer);
  }

  private static ErrorResponseException notFound(DocumentKey key) {
    return new ErrorResponseException(
        HttpStatus.NOT_FOUND,
        ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, key + " does not exist"),
        null);
  }
}
