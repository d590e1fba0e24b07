package dev.troupe.shared.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ActorId: child paths")
class ActorIdTest {
  private static final ActorId ROOT = new ActorId("room", "lobby");

  @Test
  @DisplayName("a child is named within its parent: its path, parent, root, depth and placement")
  void childPath() {
    ActorId session = ROOT.child("session", "s1");
    ActorId probe = session.child("probe", "p");
    assertThat(ROOT.isChild()).isFalse();
    assertThat(ROOT.depth()).isZero();
    assertThat(ROOT.root()).isSameAs(ROOT);
    assertThat(probe.isChild()).isTrue();
    assertThat(probe.parent()).isEqualTo(session);
    assertThat(probe.parent().parent()).isEqualTo(ROOT);
    assertThat(probe.root()).isEqualTo(ROOT);
    assertThat(probe.depth()).isEqualTo(2);
    assertThat(probe).hasToString("room/lobby/session/s1/probe/p");
    assertThat(probe.placementKey())
        .as("placed with its top-level ancestor")
        .isEqualTo("room/lobby");
  }

  @Test
  @DisplayName("the same name under another parent, or of another type, is another actor")
  void identity() {
    assertThat(ROOT.child("session", "s1")).isEqualTo(ROOT.child("session", "s1"));
    assertThat(ROOT.child("session", "s1"))
        .isNotEqualTo(new ActorId("room", "hall").child("session", "s1"));
    assertThat(ROOT.child("session", "s1")).isNotEqualTo(ROOT.child("probe", "s1"));
    assertThat(ROOT.child("session", "s1")).isNotEqualTo(new ActorId("session", "s1"));
  }

  @Test
  @DisplayName("a child may be MAX_DEPTH levels below its top-level ancestor, not one more")
  void depthLimit() {
    ActorId deepest = ROOT;
    for (int i = 1; i <= ActorId.MAX_DEPTH; i++) {
      deepest = deepest.child("level", "l" + i);
      assertThat(deepest.depth()).isEqualTo(i);
    }
    ActorId last = deepest;
    assertThat(last.root()).isEqualTo(ROOT);
    assertThatThrownBy(() -> last.child("level", "too-deep"))
        .isInstanceOfSatisfying(
            TroupeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining(String.valueOf(ActorId.MAX_DEPTH));
  }

  @Test
  @DisplayName("a child's name and type follow the rules of a top-level actor's key and type")
  void childNames() {
    for (String bad : new String[] {"", "a/b", "a b", "x".repeat(129)}) {
      assertThatThrownBy(() -> ROOT.child("session", bad))
          .as(bad)
          .isInstanceOf(TroupeException.class);
    }
    assertThatThrownBy(() -> ROOT.child("Session", "s1")).isInstanceOf(TroupeException.class);
    assertThat(ROOT.child("session", "a.b~c-d_e").key()).isEqualTo("a.b~c-d_e");
  }

  @Test
  @DisplayName("only a top-level actor has stored state")
  void stateKey() {
    assertThat(ROOT.stateKey().toString()).isEqualTo("room/lobby");
    assertThatThrownBy(() -> ROOT.child("session", "s1").stateKey())
        .isInstanceOf(IllegalStateException.class);
  }
}
