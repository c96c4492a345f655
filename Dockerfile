# syntax=docker/dockerfile:1
#
# Flowcast container image.
#
#   docker build -t flowcast .
#   docker run --rm -p 8080:8080 -e FLOWCAST_JWT_SECRET=... \
#     -e FLOWCAST_AUTH_ACCOUNTS='[]' -e FLOWCAST_AUTH_CLIENTS='[]' flowcast
#
# Three instances behind nginx with Redis and PostgreSQL: deploy/compose.yaml (docs/DEPLOY.md).
#
# Configuration: the defaults come from conf/config.json (flat keys such as
# "http.port"); every key can be overridden with a FLOWCAST_* environment
# variable (upper case, dots -> underscores, e.g. http.port -> FLOWCAST_HTTP_PORT);
# FLOWCAST_CONFIG may name an extra JSON config file. Listening on 0.0.0.0, the
# server refuses the public development secret and accounts: set FLOWCAST_JWT_SECRET
# and FLOWCAST_AUTH_ACCOUNTS / FLOWCAST_AUTH_CLIENTS (JSON arrays, e.g. []), or keep
# accounts in PostgreSQL (FLOWCAST_PG_URL).
#
# JVM options: JAVA_OPTS (below) replaces the defaults as a whole, e.g.
#   -e JAVA_OPTS="-Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"
# Arguments after the image name go to the jar: `docker run ... flowcast token --sub ops`.

# ---------------------------------------------------------------------------
# Stage 1: build the fat jar
# ---------------------------------------------------------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /build

# Maven wrapper + POM first so the dependency layer is cached between builds
# that only change sources.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN chmod +x mvnw && ./mvnw -B dependency:go-offline

COPY src/ src/
COPY conf/ conf/
COPY webroot/ webroot/
RUN ./mvnw -B -DskipTests package

# ---------------------------------------------------------------------------
# Stage 2: runtime
# ---------------------------------------------------------------------------
FROM eclipse-temurin:17-jre

# curl for the HEALTHCHECK below. The Temurin images carry curl today, but only "for historical
# reasons" (their Dockerfile's words): installing it here keeps the check working if they drop it,
# and an HTTP client that fails on a non-2xx status is more robust than a hand-written request.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system flowcast \
 && useradd --system --gid flowcast --home-dir /app --shell /usr/sbin/nologin flowcast

WORKDIR /app
COPY --from=build /build/target/flowcast.jar /app/flowcast.jar
COPY --from=build /build/conf/ /app/conf/
COPY --from=build /build/webroot/ /app/webroot/

# Class-data sharing (AppCDS, docs/PERFORMANCE.md figure 15): a training run of the server as the image is
# built (in memory, on loopback, until its start-up warm-up has run) records the classes a serving instance
# loads into /app/flowcast.jsa when it exits; JAVA_OPTS below maps that archive at every start, so those
# classes are neither parsed nor verified again. The archive belongs to this image's JVM and jar: it is made
# here, in the runtime stage, with the very java and /app/flowcast.jar path that use it (a JVM that cannot
# use an archive warns and starts without it).
COPY scripts/cds-archive.sh /tmp/cds-archive.sh
RUN sh /tmp/cds-archive.sh /app/flowcast.jar /app/flowcast.jsa && rm /tmp/cds-archive.sh

USER flowcast

# Listen on all interfaces inside the container (the default config binds to
# localhost only).
ENV FLOWCAST_HTTP_HOST=0.0.0.0
EXPOSE 8080

# JVM flags for a container:
# - InitialRAMPercentage=75, MaxRAMPercentage=75, AlwaysPreTouch: a fixed heap of three quarters of the
#   container's memory limit (the JVM reads the cgroup), resident from the start, leaving a quarter for
#   what lives outside the heap (Netty's buffers, about 1 KiB per open stream, thread stacks, metaspace).
#   The process's memory then stays where it started while streams come and go (G1 left to size itself
#   commits two to three times the live heap after a burst of connections and keeps it). Without a memory
#   limit it is 75 % of the host, all of it touched at start: set one.
# - UseG1GC: the JVM would pick the Serial collector by itself in a container with less than 2 CPUs
#   or 1792 MiB; every figure in docs/PERFORMANCE.md was measured on G1, whose pauses stay short
#   with the many long-lived objects of open streams.
# - ExitOnOutOfMemoryError: a JVM that ran out of heap is left in an unknown state; exit and let the
#   orchestrator restart it (streams resume on the other instances with Last-Event-ID).
# - SharedArchiveFile: the class-data archive of the training run above (a faster start; keep it when you
#   replace JAVA_OPTS).
ENV JAVA_OPTS="-XX:InitialRAMPercentage=75 -XX:MaxRAMPercentage=75 -XX:+AlwaysPreTouch -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=/app/flowcast.jsa"

# Liveness: the HTTP server answers /health. (deploy/compose.yaml checks /ready instead, so that nginx
# starts only once every instance reaches Redis and PostgreSQL; /ready is 503 while Redis is away,
# which is not a reason to restart an instance.)
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${FLOWCAST_HTTP_PORT:-8080}/health" || exit 1

# `exec` makes java PID 1, so SIGTERM from `docker stop` reaches it: the HTTP side stops first and the
# flusher drains the write buffer (give it http.shutdown_timeout_ms + flush.drain_timeout_ms, 30 s by
# default: `docker stop -t 40`, compose's stop_grace_period).
ENTRYPOINT ["/bin/sh", "-c", "exec java $JAVA_OPTS -jar /app/flowcast.jar \"$@\"", "flowcast"]
