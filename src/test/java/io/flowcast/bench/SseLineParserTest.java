package io.flowcast.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseLineParserTest {
  private final List<String> seen = new ArrayList<>();
  private int comments;
  private final List<String> retries = new ArrayList<>();
  private final SseLineParser parser = new SseLineParser(new SseLineParser.Listener() {
    @Override
    public void event(String id, String type, String data) {
      seen.add(id + "|" + type + "|" + data);
    }

    @Override
    public void comment() {
      comments++;
    }

    @Override
    public void retry(String value) {
      retries.add(value);
    }
  });

  private void feed(String text) {
    parser.feed(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesEventsCommentsAndRetry() {
    feed("retry: 3000\n\n: heartbeat\n\nid: 1-0\nevent: snapshot\ndata: {\"a\":1}\n\n");
    assertThat(seen).containsExactly("1-0|snapshot|{\"a\":1}");
    assertThat(comments).isEqualTo(1);
  }

  @Test
  void eventsSplitAcrossChunksAndCrLfSplitBetweenThem() {
    feed("id: 7\r");
    feed("\nda");
    feed("ta: x\r\n\r");
    feed("\ndata: y\n\n");
    assertThat(seen).containsExactly("7|message|x", "7|message|y");
  }

  @Test
  void multiByteCharactersSplitAcrossChunksDecodeWhole() {
    byte[] bytes = "data: é€\n\n".getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      parser.feed(new byte[] {b});
    }
    assertThat(seen).containsExactly("null|message|é€");
  }

  @Test
  void dataLinesJoinAndAnEventWithoutDataIsNotDispatched() {
    feed("event: nothing\n\ndata: a\ndata: b\nevent: two\n\n");
    assertThat(seen).containsExactly("null|two|a\nb");
  }

  @Test
  void loneCarriageReturnsEndLines() {
    feed("data: 1\r\rdata: 2\r\r");
    assertThat(seen).containsExactly("null|message|1", "null|message|2");
  }

  @Test
  void retryValuesAreReportedAsSentAndDispatchNothing() {
    feed("retry: 3000\n\nretry:soon\ndata: x\n\n");
    assertThat(retries).containsExactly("3000", "soon");
    assertThat(seen).containsExactly("null|message|x");
  }
}
