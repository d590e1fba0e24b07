package dev.troupe.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Migration V4 on each backend: a database at V3 holding actor state and chat messages as documents
 * (the way earlier builds stored them) comes out with them in their own tables, and with no
 * document or change row of the reserved collections left. The end-to-end check on databases the
 * previous build wrote is the testkit's {@code PreviousBuildDatabaseTest}.
 */
@DisplayName("Migration V4 moves actor state and chat messages out of the documents table")
class InternalStateMigrationTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"H2", "PostgreSQL"})
  @DisplayName(
      "live state and message documents move to their tables; tombstones, odd ids and their changes go; documents stay")
  void moves(String database) throws SQLException {
    try (TestDatabase db = "H2".equals(database) ? TestDatabase.h2(dir) : TestDatabase.postgres()) {
      Backend backend = db.backend();
      var flyway =
          Flyway.configure()
              .dataSource(backend.jdbcUrl(), backend.user(), backend.password())
              .locations("classpath:db/migration")
              .table("troupe_schema_history")
              .placeholders(backend.placeholders())
              .target("3");
      if (db instanceof TestDatabase.Postgres pg) {
        flyway.schemas(pg.schema).defaultSchema(pg.schema);
      }
      flyway.load().migrate();
      try (Connection conn = connect(db);
          Statement st = conn.createStatement()) {
        String at = "TIMESTAMP WITH TIME ZONE '2026-01-02 03:04:05+00'";
        for (String row :
            List.of(
                "'actor-chat-room', 'lounge', 107, FALSE, '{\"members\":[\"alice\",\"bob\"],\"seq\":3}'",
                "'actor-chat-user', 'bob', 4, FALSE, '{\"rooms\":{}}'",
                "'actor-chat-room', 'gone', 2, TRUE, NULL",
                "'chat-messages', 'lounge~1', 1, FALSE, '{\"room\":\"lounge\",\"seq\":1,\"text\":\"one\"}'",
                "'chat-messages', 'lounge~12', 1, FALSE, '{\"room\":\"lounge\",\"seq\":12,\"text\":\"twelve\"}'",
                "'chat-messages', 'den~1~2', 1, FALSE, '{\"room\":\"den~1\",\"seq\":2,\"text\":\"tilde\"}'",
                "'chat-messages', 'lounge~3', 2, TRUE, NULL",
                "'chat-messages', 'not-a-message', 1, FALSE, '{}'",
                // Written by a client (the collection was not reserved): a padded or zero number is
                // no
                // message number Troupe wrote, and 'lounge~01' must not collide with 'lounge~1'.
                "'chat-messages', 'lounge~01', 1, FALSE, '{\"text\":\"padded\"}'",
                "'chat-messages', 'lounge~0', 1, FALSE, '{}'",
                "'books', 'dune', 1, FALSE, '{\"title\":\"Dune\"}'",
                "'actors', 'x', 1, FALSE, '{}'")) {
          st.executeUpdate(
              "INSERT INTO troupe_documents (collection, id, version, deleted, data, updated_at) VALUES ("
                  + row
                  + ", "
                  + at
                  + ")");
          String[] parts = row.split(", ");
          st.executeUpdate(
              "INSERT INTO troupe_changes (collection, id, version, op, changed_at) VALUES ("
                  + parts[0]
                  + ", "
                  + parts[1]
                  + ", "
                  + parts[2]
                  + ", 'put', "
                  + at
                  + ")");
        }
      }
      db.migrate();
      try (Connection conn = connect(db);
          Statement st = conn.createStatement()) {
        assertThat(
                rows(
                    st,
                    "SELECT actor_type, actor_key, version, data FROM troupe_actor_state ORDER BY actor_type, actor_key"))
            .containsExactly(
                "chat-room|lounge|107|{\"members\":[\"alice\",\"bob\"],\"seq\":3}",
                "chat-user|bob|4|{\"rooms\":{}}");
        assertThat(rows(st, "SELECT room, seq, data FROM troupe_chat_messages ORDER BY room, seq"))
            .containsExactly(
                "den~1|2|{\"room\":\"den~1\",\"seq\":2,\"text\":\"tilde\"}",
                "lounge|1|{\"room\":\"lounge\",\"seq\":1,\"text\":\"one\"}",
                "lounge|12|{\"room\":\"lounge\",\"seq\":12,\"text\":\"twelve\"}");
        assertThat(rows(st, "SELECT collection, id FROM troupe_documents ORDER BY collection, id"))
            .containsExactly("actors|x", "books|dune");
        assertThat(rows(st, "SELECT collection, id FROM troupe_changes ORDER BY collection, id"))
            .containsExactly("actors|x", "books|dune");
      }
    }
  }

  private static Connection connect(TestDatabase db) throws SQLException {
    Backend backend = db.backend();
    Connection conn =
        DriverManager.getConnection(backend.jdbcUrl(), backend.user(), backend.password());
    if (db instanceof TestDatabase.Postgres pg) {
      try (Statement st = conn.createStatement()) {
        st.execute("SET search_path TO " + pg.schema);
      }
    }
    return conn;
  }

  private static List<String> rows(Statement st, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          values.add(rs.getString(i));
        }
        out.add(String.join("|", values));
      }
    }
    return out;
  }
}
