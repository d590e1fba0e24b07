package dev.troupe.db;

import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * What jobs produced, paged: the line errors of an import and the result parts of an export. An
 * unknown job is 404 ({@link JobLifecycle#get}).
 */
final class JobResults {
  private final Pool pool;
  private final JobSql sql;
  private final JobLifecycle jobs;

  JobResults(Pool pool, JobSql sql, JobLifecycle jobs) {
    this.pool = pool;
    this.sql = sql;
    this.jobs = jobs;
  }

  /** Line errors of a job after line {@code after}, at most {@code limit}, by line number. */
  Future<JsonObject> errors(String id, long after, int limit) {
    return jobs.get(id)
        .compose(job -> pool.preparedQuery(sql.errors).execute(Tuple.of(id, after, limit + 1)))
        .map(
            rows -> {
              JsonArray items = new JsonArray();
              Long last = null;
              boolean more = false;
              for (Row row : rows) {
                if (items.size() == limit) {
                  more = true;
                  break;
                }
                last = row.getLong(0);
                items.add(new JsonObject().put("line", last).put("error", row.getString(1)));
              }
              return new JsonObject().put("items", items).put("next", more ? last : null);
            })
        .recover(Sql::failed);
  }

  /** Part {@code part} of a job's result, and the number of the next part or null. */
  Future<JsonObject> result(String id, int part) {
    return jobs.get(id)
        .compose(job -> pool.preparedQuery(sql.result).execute(Tuple.of(id, part)))
        .map(
            rows -> {
              Row row = Sql.first(rows);
              if (row == null) {
                throw TroupeException.notFound("job " + id + " has no result part " + part);
              }
              int parts = row.getInteger(1);
              return new JsonObject()
                  .put("payload", Sql.text(row.getValue(0)))
                  .put("next", part + 1 < parts ? part + 1 : null);
            })
        .recover(Sql::failed);
  }
}
