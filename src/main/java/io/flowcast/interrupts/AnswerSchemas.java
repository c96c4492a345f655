package io.flowcast.interrupts;

import io.flowcast.bus.ApiException;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The JSON Schemas (draft 2020-12) interrupts are raised with, and the answers checked against them, with
 * vertx-json-schema. A schema must itself be valid against the draft's meta-schema and refer to nothing
 * outside itself (nothing is ever fetched); an answer that does not match is a 400 naming where and why.
 */
public final class AnswerSchemas {
  private static final String META = "https://json-schema.org/draft/2020-12/schema";
  private static final JsonSchemaOptions OPTIONS = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
      .setBaseUri("urn:flowcast:interrupt:").setOutputFormat(OutputFormat.Basic);
  /** How many of a validator's errors a refusal names (the most specific, which it reports last). */
  private static final int SHOWN = 3;

  private final Validator meta;

  /** Reads the draft's meta-schemas from the library's own resources (once, at start). */
  public AnswerSchemas(FileSystem files) {
    this.meta = SchemaRepository.create(OPTIONS).preloadMetaSchema(files, Draft.DRAFT202012).validator(META);
  }

  /** Refuses (400) a schema that is not a valid JSON Schema or that refers to a schema Flowcast does not have. */
  public void check(JsonObject schema) {
    OutputUnit result = meta.validate(schema.copy());
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw ApiException.badRequest("schema is not a valid JSON Schema (draft 2020-12): " + errors(result));
    }
    try {
      validator(schema).validate(null);
    } catch (SchemaException e) {
      throw ApiException.badRequest("schema cannot be used: " + firstLine(e.getMessage())
          + " (a schema may refer only to its own parts)");
    } catch (RuntimeException | StackOverflowError e) {
      throw unusable("schema", e);
    }
  }

  /** Refuses (400) an answer {@code value} that does not match {@code schema}. */
  public void requireMatch(JsonObject schema, Object value) {
    OutputUnit result;
    try {
      result = validator(schema).validate(value);
    } catch (SchemaException e) {
      throw ApiException.badRequest("the interrupt's schema cannot be used: " + firstLine(e.getMessage()));
    } catch (RuntimeException | StackOverflowError e) {
      // a schema the meta-schema admits may still loop ($ref to itself) on some values: the answer is refused
      throw unusable("the interrupt's schema", e);
    }
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw ApiException.badRequest("value does not match the interrupt's schema: " + errors(result));
    }
  }

  private static ApiException unusable(String what, Throwable e) {
    return ApiException.badRequest(what + " cannot be used to check an answer ("
        + (e instanceof StackOverflowError ? "its $ref point to each other in a loop" : firstLine(e.getMessage())) + ")");
  }

  private static Validator validator(JsonObject schema) {
    // the library annotates the object it is given: it gets a copy
    return Validator.create(JsonSchema.of(schema.copy()), OPTIONS);
  }

  private static String errors(OutputUnit result) {
    List<OutputUnit> all = result.getErrors();
    if (all == null || all.isEmpty()) {
      return String.valueOf(result.getError());
    }
    return all.subList(Math.max(0, all.size() - SHOWN), all.size()).stream()
        .map(e -> e.getInstanceLocation() + ": " + e.getError()).collect(Collectors.joining("; "));
  }

  private static String firstLine(String message) {
    int end = message == null ? -1 : message.indexOf('\n');
    return end < 0 ? String.valueOf(message) : message.substring(0, end);
  }
}
