package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Codec;

/**
 * The codecs of the documents family's single-document shapes: keys, documents, reads and writes of
 * one document, pages of a collection.
 */
public final class DocWire {
  public static final Codec<DocKey> DOC_KEY = Codec.of(Wire::toJson, Wire::docKey);
  public static final Codec<ReadDoc> READ_DOC = Codec.of(Wire::toJson, Wire::readDoc);
  public static final Codec<PutDoc> PUT_DOC = Codec.of(Wire::toJson, Wire::putDoc);
  public static final Codec<DeleteDoc> DELETE_DOC = Codec.of(Wire::toJson, Wire::deleteDoc);
  public static final Codec<ListDocs> LIST_DOCS = Codec.of(Wire::toJson, Wire::listDocs);

  /** Either form of a read's answer, as {@link ReadResult#encoded()} says. */
  public static final Codec<ReadResult> READ_RESULT = Codec.of(Wire::toJson, Wire::readResult);

  public static final Codec<PutResult> PUT_RESULT = Codec.of(Wire::toJson, Wire::putResult);
  public static final Codec<DeleteResult> DELETE_RESULT =
      Codec.of(Wire::toJson, Wire::deleteResult);
  public static final Codec<DocPage> DOC_PAGE = Codec.of(Wire::toJson, Wire::docPage);

  private DocWire() {}
}
