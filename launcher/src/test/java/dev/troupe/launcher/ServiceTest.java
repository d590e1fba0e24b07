package dev.troupe.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.config.Settings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Service")
class ServiceTest {
  @Test
  @DisplayName(
      "db-service on the embedded H2 database may not move (its data dir is this node's); every other service may")
  void h2StaysPut() {
    Settings h2 = Settings.empty();
    assertThat(Service.DB.movable(h2)).isFalse();
    assertThat(Service.CACHE.movable(h2)).isTrue();
    assertThat(Service.REQUEST.movable(h2)).isTrue();
    assertThat(Service.GATEWAY.movable(h2)).isTrue();
  }

  @Test
  @DisplayName("db-service on PostgreSQL may move like any other service")
  void postgresMoves() {
    assertThat(
            Service.DB.movable(
                Settings.empty()
                    .with("TROUPE_DB_URL", "postgresql://postgres@127.0.0.1:5432/test")))
        .isTrue();
  }
}
