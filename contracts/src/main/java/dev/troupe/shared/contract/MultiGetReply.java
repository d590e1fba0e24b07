package dev.troupe.shared.contract;

import dev.troupe.shared.contract.MultiGetResult.FailedPart;
import java.util.List;

/**
 * The answer to a {@link MultiGet}, in the form it asked for: documents as JSON objects ({@link
 * MultiGetResult}) or, with {@code encoded}, as their envelopes' JSON text ({@link
 * EncodedMultiGetResult}). One reply type for both, so request-service's {@code getMany} has one
 * reply codec; a receiver takes the form it needs, converted only when the other arrived (an empty
 * answer reads the same in both, and a request-service of an older build answers objects).
 */
public sealed interface MultiGetReply permits MultiGetResult, EncodedMultiGetResult {
  List<String> missing();

  List<FailedPart> failed();

  /** The documents as objects, parsed when they came as text. */
  MultiGetResult decoded();

  /** The documents as text, encoded when they came as objects. */
  EncodedMultiGetResult encoded();
}
