package io.flowcast.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchOptionsTest {

  private static BenchOptions parse(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    return BenchOptions.parse(all);
  }

  @Test
  void defaultsAreLoopbackAndBounded() {
    BenchOptions options = parse("write");
    assertThat(options.url()).isEqualTo("http://127.0.0.1:8080");
    assertThat(options.connections()).isEqualTo(64);
    assertThat(options.workflows()).isEqualTo(100);
    assertThat(options.mix()).isEqualTo(new BenchOptions.Mix(1, 0));
  }

  @Test
  void absurdValuesAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> parse("write", "--connections", "1000000"))
        .hasMessageContaining("--connections must be from 1 to 10000");
    assertThatThrownBy(() -> parse("fanout", "--duration=100000")).hasMessageContaining("--duration");
    assertThatThrownBy(() -> parse("idle", "--streams", "lots")).hasMessageContaining("whole number");
  }

  @Test
  void nonLoopbackTargetsNeedAllowRemote() {
    assertThatThrownBy(() -> parse("write", "--url", "http://192.0.2.10:8080"))
        .hasMessageContaining("--allow-remote");
    assertThat(parse("write", "--url", "http://192.0.2.10:8080", "--allow-remote").allowRemote()).isTrue();
    assertThat(parse("write", "--url", "http://localhost:9000").url()).isEqualTo("http://localhost:9000");
    assertThat(parse("write", "--url", "http://[::1]:9000").url()).isEqualTo("http://[::1]:9000");
  }

  @Test
  void thePostgresOfTheDurableCheckIsLoopbackAndAUrl() {
    assertThat(parse("write", "--pg-url", "postgresql://postgres@127.0.0.1:5432/test").pgUrl())
        .isEqualTo("postgresql://postgres@127.0.0.1:5432/test");
    assertThat(parse("write").pgUrl()).isNull();
    assertThat(parse("write").drainSeconds()).isEqualTo(10);
    assertThatThrownBy(() -> parse("write", "--drain", "5")).hasMessageContaining("needs --pg-url");
    assertThat(parse("fanout", "--drain", "7").drainSeconds()).isEqualTo(7);
    assertThatThrownBy(() -> parse("write", "--pg-url", "postgresql://postgres@192.0.2.10:5432/test"))
        .hasMessageContaining("--allow-remote");
    assertThatThrownBy(() -> parse("write", "--pg-url", "not a url")).hasMessageContaining("--pg-url");
    assertThatThrownBy(() -> parse("write", "--pg-url", "postgresql://postgres@127.0.0.1:5432/test",
        "--token", "a.b.c")).hasMessageContaining("--tenant");
    assertThat(parse("write", "--pg-url", "postgresql://postgres@127.0.0.1:5432/test", "--token", "a.b.c",
        "--tenant", "acme").tenant()).isEqualTo("acme");
    assertThatThrownBy(() -> parse("fanout", "--pg-url", "postgresql://postgres@127.0.0.1:5432/test"))
        .hasMessageContaining("does not apply to fanout");
  }

  @Test
  void optionsOfAnotherScenarioAreRefused() {
    assertThatThrownBy(() -> parse("write", "--rate", "5")).hasMessageContaining("does not apply to write");
    assertThatThrownBy(() -> parse("nope")).hasMessageContaining("unknown scenario");
  }

  @Test
  void genericModeNeedsTemplatesWithThePlaceholder() {
    assertThatThrownBy(() -> parse("fanout", "--sse-url-template", "http://127.0.0.1:1/sub/{workflow}"))
        .hasMessageContaining("--publish-url-template");
    assertThatThrownBy(() -> parse("idle", "--sse-url-template", "http://127.0.0.1:1/sub/x"))
        .hasMessageContaining("{workflow}");
    BenchOptions options = parse("fanout", "--sse-url-template", "http://127.0.0.1:1/sub/{workflow}",
        "--publish-url-template", "http://127.0.0.1:1/pub/{workflow}");
    assertThat(options.generic()).isTrue();
    assertThat(Targets.publish(options, "w1").path()).isEqualTo("/pub/w1");
  }

  @Test
  void mixTakesWeights() {
    assertThat(parse("write", "--mix", "patch=70,event=30").mix()).isEqualTo(new BenchOptions.Mix(70, 30));
    assertThat(parse("write", "--mix", "event").mix()).isEqualTo(new BenchOptions.Mix(0, 1));
    assertThatThrownBy(() -> parse("write", "--mix", "delete=1")).hasMessageContaining("--mix");
  }

  @Test
  void coldStartTakesItsInstanceSettingsAndRefusesRemoteStores() {
    BenchOptions options = parse("cold-start", "--redis-url", "redis://127.0.0.1:6390", "--pg-url",
        "postgresql://postgres@127.0.0.1:5432/test", "--java-opts", "-Xshare:auto  -XX:TieredStopAtLevel=1");
    assertThat(options.coldStart().sessions()).isEqualTo(500);
    assertThat(options.coldStart().edits()).isEqualTo(5);
    assertThat(options.durationSeconds()).isEqualTo(30);
    assertThat(options.coldStart().fromSecond()).isEqualTo(5);
    assertThat(options.coldStart().javaOpts()).containsExactly("-Xshare:auto", "-XX:TieredStopAtLevel=1");
    assertThatThrownBy(() -> parse("cold-start", "--redis-url", "redis://192.0.2.10:6379"))
        .hasMessageContaining("not a loopback address");
    assertThatThrownBy(() -> parse("cold-start", "--pg-url", "postgresql://postgres@127.0.0.1:5432/test"))
        .hasMessageContaining("needs --redis-url");
    assertThatThrownBy(() -> parse("cold-start", "--connections", "5")).hasMessageContaining("does not apply");
    assertThat(parse("cold-start", "--instance-env", "FLOWCAST_STARTUP_WARMUP=0,FLOWCAST_LOG_LEVEL=WARN").coldStart()
        .instanceEnv()).containsEntry("FLOWCAST_STARTUP_WARMUP", "0").containsEntry("FLOWCAST_LOG_LEVEL", "WARN");
    assertThatThrownBy(() -> parse("cold-start", "--instance-env", "JAVA_HOME=/tmp"))
        .hasMessageContaining("--instance-env");
  }

  @Test
  void sessionsRunTheSeedWorkloadOnAnInstanceOfTheirOwnOrOnAGivenUrl() {
    BenchOptions options = parse("sessions");
    assertThat(options.coldStart().sessions()).isEqualTo(2000);
    assertThat(options.coldStart().edits()).isEqualTo(10);
    assertThat(options.coldStart().eventShare()).isEqualTo(0.2);
    assertThat(options.coldStart().external()).isFalse();
    assertThat(options.durationSeconds()).isEqualTo(60);
    assertThat(options.warmupSeconds()).isEqualTo(5);
    assertThat(parse("sessions", "--url", "http://127.0.0.1:9000", "--rate", "3").coldStart().external()).isTrue();
    assertThat(parse("sessions", "--rate", "3").coldStart().edits()).isEqualTo(3);
    assertThatThrownBy(() -> parse("sessions", "--event-mix", "1.5")).hasMessageContaining("--event-mix");
    assertThatThrownBy(() -> parse("sessions", "--rate", "0")).hasMessageContaining("--rate");
    assertThatThrownBy(() -> parse("sessions", "--url", "http://127.0.0.1:9000", "--redis-url",
        "redis://127.0.0.1:6379")).hasMessageContaining("not with --url");
    assertThatThrownBy(() -> parse("sessions", "--server-pid", "1")).hasMessageContaining("--url");
    assertThatThrownBy(() -> parse("sessions", "--pg-url", "postgresql://postgres@127.0.0.1:5432/test"))
        .hasMessageContaining("needs --redis-url");
    assertThat(parse("sessions", "--url", "http://127.0.0.1:9000", "--pg-url",
        "postgresql://postgres@127.0.0.1:5432/test").pgUrl()).isNotNull();
    assertThatThrownBy(() -> parse("sessions", "--edits", "5")).hasMessageContaining("does not apply");
  }
}
