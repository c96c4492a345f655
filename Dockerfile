# syntax=docker/dockerfile:1
#
# Flowcast container image.
#
#   docker build -t flowcast .
#   docker run --rm -p 8080:8080 -e FLOWCAST_JWT_SECRET=... \
#     -e FLOWCAST_AUTH_ACCOUNTS='[]' -e FLOWCAST_AUTH_CLIENTS='[]' flowcast
#
# Configuration: the defaults come from conf/config.json (flat keys such as
# "http.port"); every key can be overridden with a FLOWCAST_* environment
# variable (upper case, dots -> underscores, e.g. http.port -> FLOWCAST_HTTP_PORT);
# FLOWCAST_CONFIG may name an extra JSON config file. Listening on 0.0.0.0, the
# server refuses the public development secret and accounts: set FLOWCAST_JWT_SECRET
# and FLOWCAST_AUTH_ACCOUNTS / FLOWCAST_AUTH_CLIENTS (JSON arrays, e.g. []), or keep
# accounts in PostgreSQL (FLOWCAST_PG_URL).

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

RUN groupadd --system flowcast \
 && useradd --system --gid flowcast --home-dir /app --shell /usr/sbin/nologin flowcast

WORKDIR /app
COPY --from=build /build/target/flowcast.jar /app/flowcast.jar
COPY --from=build /build/conf/ /app/conf/
COPY --from=build /build/webroot/ /app/webroot/

USER flowcast

# Listen on all interfaces inside the container (the default config binds to
# localhost only).
ENV FLOWCAST_HTTP_HOST=0.0.0.0
EXPOSE 8080

# No HEALTHCHECK: the JRE base image has no curl/wget. Use the orchestrator's
# HTTP probe (e.g. Kubernetes livenessProbe / compose healthcheck from outside).

ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/flowcast.jar"]
