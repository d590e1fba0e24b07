package dev.troupe.launcher;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Validates a Kubernetes object (as parsed from YAML) against the Kubernetes API's types, the way
 * the API server's strict field validation ({@code kubectl apply --validate=strict}) would, with no
 * cluster: fabric8's model of each kind, generated from the Kubernetes OpenAPI document, read with
 * every leniency off. An unknown field, a value of the wrong type (a number where the API wants a
 * string, as in an unquoted ConfigMap value, or the reverse), or an apiVersion and kind the API
 * does not serve is a violation. Like the OpenAPI schema, it does not check required fields or the
 * values allowed in a string.
 */
final class KubernetesSchema {
  private static final KubernetesDeserializer KINDS = new KubernetesDeserializer();
  private static final JsonMapper STRICT = strictMapper();

  private KubernetesSchema() {}

  /** Why {@code object} is not a valid Kubernetes object, or empty when it is. */
  static Optional<String> violation(Map<String, Object> object) {
    if (!(object.get("apiVersion") instanceof String apiVersion)
        || !(object.get("kind") instanceof String kind)) {
      return Optional.of("no apiVersion or kind");
    }
    Class<? extends KubernetesResource> type = KINDS.getRegisteredKind(apiVersion, kind);
    if (type == null) {
      return Optional.of("the Kubernetes API has no kind " + kind + " in " + apiVersion);
    }
    // The model still has the beta versions Kubernetes no longer serves (policy/v1beta1 went in
    // 1.25); beta APIs are off by default since 1.24, so a manifest names a GA version.
    if (apiVersion.matches(".*v\\d+(alpha|beta)\\d*")) {
      return Optional.of(kind + " " + apiVersion + " is not a GA version of the API");
    }
    try {
      STRICT.convertValue(object, type);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof JsonMappingException mapping) {
        return Optional.of(describe(mapping));
      }
      throw e;
    }
  }

  private static String describe(JsonMappingException e) {
    String at =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    if (e instanceof UnrecognizedPropertyException unknown) {
      return "unknown field " + at + " (" + unknown.getKnownPropertyIds() + " are known there)";
    }
    return at + ": " + e.getOriginalMessage().lines().findFirst().orElse("");
  }

  private static JsonMapper strictMapper() {
    // fabric8's types keep unknown fields in an "additionalProperties" map, so that a client never
    // loses what a newer server sends; a validator wants them refused, so the any-setter goes.
    SimpleModule noUnknownFields = new SimpleModule("no-unknown-fields");
    noUnknownFields.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public BeanDeserializerBuilder updateBuilder(
              DeserializationConfig config, BeanDescription bean, BeanDeserializerBuilder builder) {
            if (bean.getBeanClass().getName().startsWith("io.fabric8.kubernetes.")) {
              builder.setAnySetter(null);
            }
            return builder;
          }
        });
    JsonMapper mapper =
        JsonMapper.builder()
            .addModule(noUnknownFields)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    // Jackson turns numbers and booleans into strings unasked; the API server does not.
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }
}
