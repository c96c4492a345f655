package io.flowcast.bench;

/** The help text of {@code flowcast bench}. */
final class BenchUsage {
  static final String TEXT = """
      usage: flowcast bench <write|fanout|idle|cold-start|tokens|sessions> [options]

      write    C clients PATCH (merge patch) and/or publish events on W workflows for T seconds
        --connections C (64)  --workflows W (100)  --mix patch|event|patch=70,event=30 (patch)
        --pg-url postgresql://user@host:5432/db  (the server's PostgreSQL: report its flush lag and check
         that PostgreSQL holds every acknowledged event, waiting up to --drain S, default 10 s)
      fanout   S SSE subscribers on W workflows; events published at --rate per second (0 = as fast
               as possible with --publishers P) for T seconds; checks every subscriber saw every seq
               exactly once, in order (exit status 1 if not)
        --subscribers S (100)  --workflows W (1)  --rate R (1000)  --publishers P (4)
        --subscribe-url URL  --publish-url URL (default --url; different instances = cross-instance)
        --drain S (5: seconds to wait for the last deliveries)
        --bridge-port P (subscribe through the TCP event-bus bridge on port P of the subscribe host,
         one connection and registration per subscriber, instead of SSE)
        --feed (every subscriber follows the tenant feed, GET /api/v1/feed, and the publishers PATCH the
         one workflow: its changes are what the feeds carry; versions may be coalesced, never repeated
         or reordered; needs --workflows 1)
      tokens   S SSE subscribers on one workflow; P publishers each stream an answer chunk by chunk in a
               closed loop for T seconds, as token streams or as the same text sent as plain events;
               checks every subscriber got every chunk once, in order (by offset or by seq)
        --subscribers S (100)  --publishers P (4)  --rate R (chunks/s in all; 0 = each publisher as fast as it
         is acknowledged)  --as outputs|events (outputs)  --payload BYTES (chunk
         size; default 4: "tok ")  --subscribe-url URL  --publish-url URL
      idle     open N SSE streams and hold them for T seconds
        --streams N (1000)  --workflows W (10)  --subscribe-url URL

      cold-start  start an instance of its own (a process on a free port; its own Redis key prefix and
               PostgreSQL database, removed afterwards), wait for /ready, then at once N sessions each
               create a workflow, watch it over SSE and PATCH it M times per second for T seconds (30);
               reports acknowledgement and delivery latency and the instance's CPU per second after /ready
        --sessions N (500)  --edits M (5 per session per second)  --redis-url redis://127.0.0.1:6379
        --pg-url postgresql://user@host:5432/db (a database flowcast_bench_<run> is made next to it)
        --jar PATH (default: this jar)  --java-opts "-XX:... -Xms..." (the instance's JVM options)
        --from-second S (5: the settled summary)  --server-log FILE (default: a temporary file)
        --drain S (2: seconds to wait for the last deliveries)
        --instance-env FLOWCAST_A=1,FLOWCAST_B=2 (settings of the instance, e.g. FLOWCAST_STARTUP_WARMUP=0)

      sessions the seed workload held steady: S sessions each create a workflow, watch it over SSE and send it
               R edits/s (PATCH, and --event-mix of them as custom events), open loop, for the warm-up and T
               seconds (60), on an instance of its own (as cold-start starts it, after /ready) or on --url;
               reports acknowledged edits/s, ack and edit->own-stream p50/p99/p99.9 from each edit's scheduled
               time, flush lag, whether every acknowledged edit reached its own stream (and PostgreSQL), CPU per
               edit (Flowcast, Redis, PostgreSQL, bench, others) and whether issue 21's goals held (goals.held);
               an edit due while 4 of its session's wait for their answer is not sent, and counts as failed
        --sessions S (2000)  --rate R (10 edits per session per second)  --event-mix F (0.2)  --warmup S (5)
        --drain S (10: seconds to wait for the last frames and for PostgreSQL)
        --redis-url, --pg-url, --jar, --java-opts, --server-log, --instance-env (the instance, as cold-start)
        --url URL (an existing server instead; --pg-url is then its PostgreSQL,
         --server-pid FLOWCAST[,REDIS] the pids whose CPU it splits per edit)

      common
        --url URL (http://127.0.0.1:8080)  --duration T (10 s)  --warmup S (2 s; write, fanout)
        --payload BYTES (0: padding per write/event)  --threads N (client event loops; publishers get one more)
        --token JWT (default: minted with the configured secret, one subject per connection)
        --tenant NAME (bench: tenant of minted tokens)  --json  --allow-remote (non-loopback targets)
        --server-pid PID[,PID] (local servers: their CPU while measuring; idle: their RSS)

      generic mode (another SSE server, e.g. nginx + nchan), fanout and idle
        --sse-url-template http://127.0.0.1:8081/sub/{workflow}
        --publish-url-template http://127.0.0.1:8081/pub/{workflow}   (POST of the raw JSON body
        {"seq":n,"t":nanos}; the check reads seq from each event's data)
      """;

  private BenchUsage() {
  }
}
