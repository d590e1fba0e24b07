package dev.troupe.gateway;

import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.PutMany;

/**
 * How the gateway takes in an import's NDJSON body.
 *
 * @param maxBodyBytes the largest import body; larger gets 413, however it is sent ({@code
 *     TROUPE_JOBS_MAX_BODY_BYTES}, default 1 GiB)
 * @param chunkSize lines per chunk: the body is stored, and later written, this many lines at a
 *     time, each chunk in one transaction ({@code TROUPE_JOBS_CHUNK_SIZE}, default 1000, at most
 *     1000)
 */
record JobUploadConfig(long maxBodyBytes, int chunkSize) {
  static JobUploadConfig from(Settings s) {
    return new JobUploadConfig(
        s.longValue("TROUPE_JOBS_MAX_BODY_BYTES", 1L << 30, 1, Long.MAX_VALUE),
        s.integer("TROUPE_JOBS_CHUNK_SIZE", 1000, 1, PutMany.MAX_ITEMS));
  }
}
