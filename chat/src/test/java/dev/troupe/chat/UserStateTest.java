package dev.troupe.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.chat.UserState.RoomMark;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A chat user's state")
class UserStateTest {
  private static final Instant T1 = Instant.parse("2026-01-31T12:00:00Z");
  private static final Instant T2 = Instant.parse("2026-01-31T12:05:00Z");
  private static final Instant T3 = Instant.parse("2026-01-31T12:10:00Z");
  private static final String GW_A = "11111111-1111-1111-1111-111111111111";
  private static final String GW_B = "22222222-2222-2222-2222-222222222222";
  private static final String S1 = "aaaaaaaa-0000-0000-0000-000000000001";
  private static final String S2 = "aaaaaaaa-0000-0000-0000-000000000002";

  @Test
  @DisplayName(
      "joining starts at the room's number with nothing unread; joining again keeps the counts")
  void join() {
    UserState joined = UserState.EMPTY.joined("tea", 7);
    assertThat(joined.rooms().get("tea")).isEqualTo(new RoomMark(7, 7));
    UserState later = joined.delivered("tea", 8, 0);
    assertThat(later.joined("tea", 8)).isSameAs(later);
  }

  @Test
  @DisplayName(
      "others' messages raise the unread count, one's own mark the room read; order and repeats do not matter")
  void deliveries() {
    UserState state = UserState.EMPTY.joined("tea", 0);
    UserState inOrder = state.delivered("tea", 1, 0).delivered("tea", 2, 0).delivered("tea", 3, 3);
    UserState shuffled =
        state
            .delivered("tea", 3, 3)
            .delivered("tea", 1, 0)
            .delivered("tea", 2, 0)
            .delivered("tea", 2, 0);
    assertThat(inOrder).isEqualTo(shuffled);
    assertThat(inOrder.rooms().get("tea")).isEqualTo(new RoomMark(3, 3));
    assertThat(state.delivered("tea", 1, 0).delivered("tea", 2, 0).rooms().get("tea").unread())
        .isEqualTo(2);
    assertThat(inOrder.delivered("tea", 2, 0)).isSameAs(inOrder);
  }

  @Test
  @DisplayName(
      "the read marker never moves backwards nor past the last number; unread is never negative")
  void read() {
    UserState state = UserState.EMPTY.joined("tea", 0).delivered("tea", 5, 0);
    UserState read = state.read("tea", 3, 5);
    assertThat(read.rooms().get("tea")).isEqualTo(new RoomMark(5, 3));
    assertThat(read.read("tea", 1, 5)).isSameAs(read);
    assertThat(read.read("tea", 99, 5).rooms().get("tea")).isEqualTo(new RoomMark(5, 5));
    assertThat(new RoomMark(2, 4).unread()).isZero();
    assertThat(state.read("tea", 0, 8).rooms().get("tea"))
        .as("the room's number counts as delivered")
        .isEqualTo(new RoomMark(8, 0));
  }

  @Test
  @DisplayName(
      "a room left is not brought back by a late delivery, but is re-learnt from a newer one")
  void leaveAndRelearn() {
    UserState left = UserState.EMPTY.joined("tea", 0).delivered("tea", 4, 0).left("tea", 4);
    assertThat(left.rooms()).isEmpty();
    assertThat(left.delivered("tea", 4, 0)).isSameAs(left);
    assertThat(left.left("tea", 4)).isSameAs(left);
    UserState relearnt = left.delivered("tea", 6, 0);
    assertThat(relearnt.rooms().get("tea")).isEqualTo(new RoomMark(6, 5));
    assertThat(relearnt.left()).isEmpty();
    assertThat(UserState.EMPTY.delivered("lost-join", 3, 3).rooms().get("lost-join"))
        .isEqualTo(new RoomMark(3, 3));
  }

  @Test
  @DisplayName(
      "online while any stream is open; since moves only when that changes; dead members' streams are dropped")
  void presence() {
    UserState one = UserState.EMPTY.streamOpened(GW_A, "gw-a", S1, T1);
    assertThat(one.online()).isTrue();
    assertThat(one.since()).isEqualTo(T1);
    assertThat(one.streamOpened(GW_A, "gw-a", S1, T2)).isSameAs(one);
    UserState two = one.streamOpened(GW_B, "gw-b", S2, T2);
    assertThat(two.streamCount()).isEqualTo(2);
    assertThat(two.since()).isEqualTo(T1);
    UserState back = two.streamClosed(GW_A, S1, T2);
    assertThat(back.online()).isTrue();
    assertThat(back.since()).isEqualTo(T1);
    assertThat(back.streamClosed(GW_A, S1, T3)).isSameAs(back);
    UserState offline = back.streamClosed(GW_B, S2, T3);
    assertThat(offline.online()).isFalse();
    assertThat(offline.since()).isEqualTo(T3);
    UserState pruned = two.pruned(Set.of(GW_B), T3);
    assertThat(pruned.streamCount()).isEqualTo(1);
    assertThat(pruned.since()).isEqualTo(T1);
    assertThat(pruned.pruned(Set.of(), T3).online()).isFalse();
    assertThat(pruned.pruned(Set.of(), T3).since()).isEqualTo(T3);
    assertThat(two.pruned(Set.of(GW_A, GW_B), T3)).isSameAs(two);
  }

  @Test
  @DisplayName("the stored JSON reads back as the same state")
  void json() {
    UserState state =
        UserState.EMPTY
            .joined("tea", 2)
            .delivered("tea", 5, 0)
            .read("tea", 3, 5)
            .left("den", 9)
            .streamOpened(GW_A, "gw-a", S1, T1)
            .streamOpened(GW_A, "gw-a", S2, T2);
    assertThat(UserState.fromJson(state.toJson())).isEqualTo(state);
    assertThat(UserState.fromJson(UserState.EMPTY.toJson())).isEqualTo(UserState.EMPTY);
    assertThat(
            state.view("alice").getJsonObject("presence").getJsonObject("nodes").getInteger("gw-a"))
        .isEqualTo(2);
  }
}
