package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Codec;

/** The codecs of the documents family's batch shapes: several ids or documents of a collection. */
public final class BatchWire {
  public static final Codec<KeyBatch> KEY_BATCH = Codec.of(Wire::toJson, Wire::keyBatch);
  public static final Codec<MultiGet> MULTI_GET = Codec.of(Wire::toJson, Wire::multiGet);

  /** Either form of a batch read's answer, as its type says. */
  public static final Codec<MultiGetReply> MULTI_GET_REPLY =
      Codec.of(Wire::toJson, Wire::multiGetReply);

  public static final Codec<PutMany> PUT_MANY = Codec.of(Wire::toJson, Wire::putMany);
  public static final Codec<PutManyResult> PUT_MANY_RESULT =
      Codec.of(Wire::toJson, Wire::putManyResult);
  public static final Codec<LookupBatch> LOOKUP_BATCH = Codec.of(Wire::toJson, Wire::lookupBatch);

  private BatchWire() {}
}
