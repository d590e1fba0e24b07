package dev.troupe.bench.spring;

import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** A collection and an id, checked against the same rules as Troupe's names. */
record DocumentKey(String collection, String id) {
  private static final Pattern COLLECTION = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

  DocumentKey {
    if (!COLLECTION.matcher(collection).matches()) {
      throw badRequest("collection must match ^[a-z0-9][a-z0-9_-]{0,63}$");
    }
    if (!ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
      throw badRequest("id must be 1 to 128 characters of [A-Za-z0-9._~-] (and not . or ..)");
    }
  }

  /** The cache key. */
  String cacheKey() {
    return collection + "/" + id;
  }

  @Override
  public String toString() {
    return cacheKey();
  }

  private static ErrorResponseException badRequest(String detail) {
    return new ErrorResponseException(
        HttpStatus.BAD_REQUEST,
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail),
        null);
  }
}
