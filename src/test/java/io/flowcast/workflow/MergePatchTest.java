package io.flowcast.workflow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** JSON Merge Patch (RFC 7396) on JSON objects, checked against the RFC's own examples. */
class MergePatchTest {

  /**
   * RFC 7396 appendix A, every example whose target, patch and result are all JSON objects. Left out,
   * because {@link MergePatch#apply} works on objects only (a workflow's state and metadata are objects):
   * <ul>
   *   <li>{@code ["a","b"]} + {@code ["c","d"]} = {@code ["c","d"]} (target, patch and result are arrays);</li>
   *   <li>{@code {"a":"b"}} + {@code ["c"]} = {@code ["c"]} (patch and result are arrays);</li>
   *   <li>{@code {"a":"foo"}} + {@code null} = {@code null} (patch and result are null);</li>
   *   <li>{@code {"a":"foo"}} + {@code "bar"} = {@code "bar"} (patch and result are strings);</li>
   *   <li>{@code [1,2]} + {@code {"a":"b","c":null}} = {@code {"a":"b"}} (the target is an array; its rule,
   *       a non-object target counts as {@code {}}, is checked nested in
   *       {@link #nonObjectMemberIsReplacedByPatchObjectWithNullsRemoved}).</li>
   * </ul>
   */
  static Stream<Arguments> rfc7396AppendixA() {
    return Stream.of(
        arguments("replaces a member", "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"),
        arguments("adds a member", "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"),
        arguments("null removes the only member", "{\"a\":\"b\"}", "{\"a\":null}", "{}"),
        arguments("null removes one member", "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"),
        arguments("a string replaces an array", "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"),
        arguments("an array replaces a string", "{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"),
        arguments("nested objects merge", "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
            "{\"a\":{\"b\":\"d\"}}"),
        arguments("arrays are replaced, not merged", "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"),
        arguments("a null in the target is kept", "{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"),
        arguments("nulls inside a new member are dropped", "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}",
            "{\"a\":{\"bb\":{}}}"));
  }

  @ParameterizedTest(name = "{0}: {1} + {2} = {3}")
  @MethodSource("rfc7396AppendixA")
  void appliesTheRfc7396Examples(String what, String target, String patch, String expected) {
    JsonObject result = MergePatch.apply(new JsonObject(target), new JsonObject(patch));

    // JsonObject equality is deep and tells an explicit null from a missing member
    assertThat(result).isEqualTo(new JsonObject(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rfc7396AppendixA")
  void leavesTargetAndPatchUnmodified(String what, String target, String patch, String expected) {
    JsonObject targetObject = new JsonObject(target);
    JsonObject patchObject = new JsonObject(patch);

    MergePatch.apply(targetObject, patchObject);

    assertThat(targetObject.encode()).isEqualTo(new JsonObject(target).encode());
    assertThat(patchObject.encode()).isEqualTo(new JsonObject(patch).encode());
  }

  @Test
  void resultSharesNoMutableValueWithTheTarget() {
    JsonObject target = new JsonObject().put("kept", new JsonObject().put("x", 1))
        .put("list", new JsonArray().add(1));
    JsonObject result = MergePatch.apply(target, new JsonObject().put("other", 2));

    result.getJsonObject("kept").put("x", 99);
    result.getJsonArray("list").add(2);

    assertThat(target.encode()).isEqualTo("{\"kept\":{\"x\":1},\"list\":[1]}");
  }

  @Test
  void resultSharesNoMutableValueWithThePatch() {
    JsonObject patch = new JsonObject().put("added", new JsonObject().put("deep", new JsonArray().add("a")))
        .put("list", new JsonArray().add(1));
    JsonObject result = MergePatch.apply(new JsonObject(), patch);

    result.getJsonObject("added").getJsonArray("deep").add("b");
    result.getJsonObject("added").put("more", true);
    result.getJsonArray("list").add(2);

    assertThat(patch.encode()).isEqualTo("{\"added\":{\"deep\":[\"a\"]},\"list\":[1]}");
  }

  @Test
  void nonObjectMemberIsReplacedByPatchObjectWithNullsRemoved() {
    // RFC 7396 section 2: a target that is not an object is treated as {}, so the patch's nulls vanish
    JsonObject result = MergePatch.apply(new JsonObject().put("a", new JsonArray().add(1).add(2)),
        new JsonObject().put("a", new JsonObject().put("a", "b").putNull("c")));

    assertThat(result.encode()).isEqualTo("{\"a\":{\"a\":\"b\"}}");
  }

  @Test
  void nullTargetIsTreatedAsEmptyObject() {
    JsonObject result = MergePatch.apply(null, new JsonObject().put("a", "b").putNull("c"));
    assertThat(result.encode()).isEqualTo("{\"a\":\"b\"}");
  }

  @Test
  void emptyPatchReturnsAnEqualCopy() {
    JsonObject target = new JsonObject().put("a", new JsonObject().put("b", 1));
    JsonObject result = MergePatch.apply(target, new JsonObject());

    assertThat(result).isEqualTo(target).isNotSameAs(target);
  }

  static Stream<Arguments> versionPairs() {
    return Stream.of(
        arguments("{}", "{}", "{}"),
        arguments("{\"a\":1}", "{\"a\":1}", "{}"),
        arguments("{\"a\":1}", "{\"a\":2}", "{\"a\":2}"),
        arguments("{\"a\":1,\"b\":2}", "{\"b\":2}", "{\"a\":null}"),
        arguments("{\"a\":{\"b\":1,\"c\":2}}", "{\"a\":{\"b\":1,\"d\":3}}", "{\"a\":{\"c\":null,\"d\":3}}"),
        arguments("{\"a\":[1,2]}", "{\"a\":[1,2,3]}", "{\"a\":[1,2,3]}"),
        arguments("{\"a\":[1]}", "{\"a\":{\"x\":1}}", "{\"a\":{\"x\":1}}"),
        arguments("{\"a\":{\"x\":1}}", "{\"a\":\"s\"}", "{\"a\":\"s\"}"),
        arguments("{\"n\":1}", "{\"n\":1.5}", "{\"n\":1.5}"),
        arguments("{\"big\":9007199254740993}", "{\"big\":9007199254740993}", "{}"));
  }

  @ParameterizedTest
  @MethodSource("versionPairs")
  void diffIsTheSmallestPatchFromOneObjectToTheOther(String from, String to, String expected) {
    JsonObject source = new JsonObject(from);
    JsonObject target = new JsonObject(to);

    JsonObject patch = MergePatch.diff(source, target);

    assertThat(patch).isEqualTo(new JsonObject(expected));
    assertThat(MergePatch.apply(source, patch)).isEqualTo(target);
    assertThat(source).isEqualTo(new JsonObject(from));
  }

  @Test
  void diffComparesNumbersByValueWhateverTheirJavaType() {
    JsonObject small = new JsonObject().put("n", 1);
    JsonObject wide = new JsonObject().put("n", 1L);

    assertThat(MergePatch.diff(small, wide)).isEqualTo(new JsonObject());
  }
}
