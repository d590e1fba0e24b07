package dev.troupe.shared.contract;

import static dev.troupe.shared.contract.JsonFields.instant;
import static dev.troupe.shared.contract.JsonFields.intValue;
import static dev.troupe.shared.contract.JsonFields.longValue;
import static dev.troupe.shared.contract.JsonFields.number;
import static dev.troupe.shared.contract.JsonFields.objects;
import static dev.troupe.shared.contract.JsonFields.optionalInstant;
import static dev.troupe.shared.contract.JsonFields.optionalString;
import static dev.troupe.shared.contract.JsonFields.string;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The mapping of the contract records of families not yet split out (rate limits, jobs) to and from
 * the JSON objects that travel on the event bus. The documents family's is in {@link DocWire},
 * {@link CacheWire}, {@link BatchWire} and {@link ChangeWire}. Senders in other languages build
 * these shapes by hand, so parsing is strict and every mistake is a {@link ErrorCode#BAD_REQUEST}
 * naming the field: every field is read through {@link JsonFields}.
 */
public final class Wire {
  static {
    StrictJson.install();
  }

  private Wire() {}

  // ---- rate limits
  // -------------------------------------------------------------------------------

  public static JsonObject toJson(TakeTokens take) {
    JsonArray demands = new JsonArray(new ArrayList<>(take.demands().size()));
    take.demands()
        .forEach(
            d ->
                demands.add(
                    new JsonObject()
                        .put("client", d.client())
                        .put("need", d.need())
                        .put("extra", d.extra())
                        .put("giveBack", d.giveBack())));
    return new JsonObject()
        .put("ratePerSec", take.ratePerSec())
        .put("burst", take.burst())
        .put("demands", demands);
  }

  public static TakeTokens takeTokens(JsonObject json) {
    List<TokenDemand> demands = new ArrayList<>();
    for (JsonObject d : objects(json, "demands")) {
      demands.add(
          new TokenDemand(
              string(d, "client"),
              intValue(d, "need"),
              intValue(d, "extra"),
              intValue(d, "giveBack")));
    }
    return new TakeTokens(number(json, "ratePerSec"), intValue(json, "burst"), demands);
  }

  public static JsonObject toJson(List<TokenGrant> grants) {
    JsonArray items = new JsonArray(new ArrayList<>(grants.size()));
    grants.forEach(
        g ->
            items.add(
                new JsonObject()
                    .put("client", g.client())
                    .put("granted", g.granted())
                    .put("tokens", g.tokens())));
    return new JsonObject().put("grants", items);
  }

  public static List<TokenGrant> tokenGrants(JsonObject json) {
    List<TokenGrant> grants = new ArrayList<>();
    for (JsonObject g : objects(json, "grants")) {
      grants.add(new TokenGrant(string(g, "client"), intValue(g, "granted"), number(g, "tokens")));
    }
    return grants;
  }

  // ---- background jobs
  // ---------------------------------------------------------------------------

  public static JsonObject toJson(JobStatus job) {
    return new JsonObject()
        .put("id", job.id())
        .put("type", job.type())
        .put("collection", job.collection())
        .put("state", job.state())
        .put("done", job.done())
        .put("total", job.total())
        .put("failed", job.failed())
        .put("createdAt", Instants.format(job.createdAt()))
        .put("startedAt", job.startedAt() == null ? null : Instants.format(job.startedAt()))
        .put("finishedAt", job.finishedAt() == null ? null : Instants.format(job.finishedAt()))
        .put("error", job.error());
  }

  public static JobStatus jobStatus(JsonObject json) {
    return new JobStatus(
        string(json, "id"),
        string(json, "type"),
        string(json, "collection"),
        string(json, "state"),
        longValue(json, "done"),
        json.getValue("total") == null ? null : longValue(json, "total"),
        longValue(json, "failed"),
        instant(json, "createdAt"),
        optionalInstant(json, "startedAt"),
        optionalInstant(json, "finishedAt"),
        optionalString(json, "error"));
  }

  public static JsonObject toJson(ChunkUpload chunk) {
    return new JsonObject()
        .put("id", chunk.jobId())
        .put("seq", chunk.seq())
        .put("firstLine", chunk.firstLine())
        .put("lines", chunk.lines())
        .put("payload", chunk.payload());
  }

  public static ChunkUpload chunkUpload(JsonObject json) {
    return new ChunkUpload(
        string(json, "id"),
        intValue(json, "seq"),
        longValue(json, "firstLine"),
        intValue(json, "lines"),
        string(json, "payload"));
  }

  public static JsonObject toJson(JobChunk chunk) {
    return new JsonObject()
        .put("id", chunk.jobId())
        .put("type", chunk.type())
        .put("collection", chunk.collection())
        .put("seq", chunk.seq())
        .put("firstLine", chunk.firstLine())
        .put("lines", chunk.lines())
        .put("payload", chunk.payload())
        .put("attempts", chunk.attempts());
  }

  public static JobChunk jobChunk(JsonObject json) {
    return new JobChunk(
        string(json, "id"),
        string(json, "type"),
        string(json, "collection"),
        intValue(json, "seq"),
        longValue(json, "firstLine"),
        intValue(json, "lines"),
        string(json, "payload"),
        intValue(json, "attempts"));
  }

  public static JsonObject toJson(ChunkOutcome outcome) {
    JsonArray errors = new JsonArray(new ArrayList<>(outcome.errors().size()));
    outcome.errors().forEach(e -> errors.add(toJson(e)));
    return new JsonObject()
        .put("id", outcome.jobId())
        .put("seq", outcome.seq())
        .put("owner", outcome.owner())
        .put("processed", outcome.processed())
        .put("errors", errors)
        .put("result", outcome.result())
        .put("next", outcome.next());
  }

  public static ChunkOutcome chunkOutcome(JsonObject json) {
    List<ChunkOutcome.LineError> errors = new ArrayList<>();
    for (JsonObject error : objects(json, "errors")) {
      errors.add(lineError(error));
    }
    return new ChunkOutcome(
        string(json, "id"),
        intValue(json, "seq"),
        string(json, "owner"),
        longValue(json, "processed"),
        errors,
        optionalString(json, "result"),
        optionalString(json, "next"));
  }

  public static JsonObject toJson(ChunkOutcome.LineError error) {
    return new JsonObject().put("line", error.line()).put("error", error.error());
  }

  public static ChunkOutcome.LineError lineError(JsonObject json) {
    return new ChunkOutcome.LineError(longValue(json, "line"), string(json, "error"));
  }
}
