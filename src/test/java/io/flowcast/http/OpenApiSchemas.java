package io.flowcast.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * JSON Schema checks of {@link OpenApiConformance}, on the repository vertx-openapi built for the document
 * (JSON Schema 2020-12, formats asserted). Stricter than the validator in one way: a schema that names
 * properties and says nothing of others documents exactly those, so a field it does not name is reported.
 */
final class OpenApiSchemas {
  private final SchemaRepository repository;

  OpenApiSchemas(SchemaRepository repository) {
    this.repository = repository;
  }

  /** The instance's violations of the schema, or else the fields it has that the schema does not document. */
  List<String> validate(JsonObject schema, Object instance, String what) {
    OutputUnit result = repository.validator(JsonSchema.of(schema)).validate(instance);
    if (!result.getValid()) {
      return errors(result, what);
    }
    List<String> found = new ArrayList<>();
    undocumented(schema, instance, "#", what, found);
    return found;
  }

  private boolean valid(JsonObject schema, Object instance) {
    return repository.validator(JsonSchema.of(schema)).validate(instance).getValid();
  }

  /**
   * Fields of the answer that its schema does not name. A schema that names properties and says nothing of
   * others (no {@code additionalProperties}) documents exactly those: the validator lets any other field
   * through, this check does not, so a field the server added without documenting it is caught.
   */
  private void undocumented(JsonObject schema, Object instance, String at, String what, List<String> found) {
    if (instance instanceof JsonObject object) {
      Fields fields = new Fields();
      collect(schema, object, fields);
      boolean closed = fields.names && !fields.open;
      for (String name : object.fieldNames()) {
        JsonObject property = fields.named.getOrDefault(name, fields.additional);
        if (property != null) {
          undocumented(property, object.getValue(name), at + "/" + name, what, found);
        } else if (closed) {
          found.add(what + " at '" + at + "/" + name + "': a field the schema does not name");
        }
      }
    } else if (instance instanceof JsonArray array && schema.getValue("items") instanceof JsonObject items) {
      for (int i = 0; i < array.size(); i++) {
        undocumented(items, array.getValue(i), at + "/" + i, what, found);
      }
    }
  }

  /** What a schema says of an object's fields, through allOf and the oneOf/anyOf branches the object meets. */
  private static final class Fields {
    final Map<String, JsonObject> named = new HashMap<>();
    /** Some part names properties. */
    boolean names;
    /** Some part leaves other fields open (additionalProperties and the like, or a reference not followed). */
    boolean open;
    /** The schema of fields not named, when additionalProperties gives one. */
    JsonObject additional;
  }

  private void collect(JsonObject schema, JsonObject object, Fields fields) {
    if (schema.containsKey("$ref") || schema.containsKey("patternProperties")
        || schema.containsKey("unevaluatedProperties") || schema.getValue("additionalProperties") == Boolean.TRUE) {
      fields.open = true;
    }
    if (schema.getValue("additionalProperties") instanceof JsonObject additional) {
      fields.additional = additional;
      fields.open = true;
    }
    if (schema.getValue("properties") instanceof JsonObject properties) {
      fields.names = true;
      for (String name : names(properties)) {
        fields.named.putIfAbsent(name, properties.getJsonObject(name));
      }
    }
    if (schema.getValue("allOf") instanceof JsonArray all) {
      all.forEach(member -> collect((JsonObject) member, object, fields));
    }
    for (String choice : List.of("oneOf", "anyOf")) {
      if (schema.getValue(choice) instanceof JsonArray branches) {
        branches.forEach(branch -> {
          if (valid((JsonObject) branch, object)) {
            collect((JsonObject) branch, object, fields);
          }
        });
      }
    }
  }

  static List<String> errors(OutputUnit result, String what) {
    List<String> lines = new ArrayList<>();
    if (result.getErrors() == null || result.getErrors().isEmpty()) {
      lines.add(what + ": " + result.getError());
    } else {
      for (OutputUnit error : result.getErrors()) {
        lines.add(what + " at '" + error.getInstanceLocation() + "': " + error.getError() + " ("
            + error.getKeywordLocation() + ")");
      }
    }
    return lines;
  }

  /** The keys of an object of the resolved document, without the resolver's {@code __...__} annotations. */
  static Set<String> names(JsonObject object) {
    Set<String> names = new TreeSet<>();
    for (String name : object.fieldNames()) {
      if (!(name.startsWith("__") && name.endsWith("__"))) {
        names.add(name);
      }
    }
    return names;
  }
}
