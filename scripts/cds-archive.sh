#!/bin/sh
# Builds Flowcast's application class-data sharing archive (AppCDS) with a training run:
#
#   scripts/cds-archive.sh target/flowcast.jar target/flowcast.jsa
#   java -XX:SharedArchiveFile=target/flowcast.jsa -jar target/flowcast.jar
#
# The training run starts the server on loopback (in memory, on a free port of its own unless PORT is set),
# waits until /ready answers 200 (that is, until its start-up warm-up has run), and stops it with SIGTERM;
# the JVM then writes the classes it loaded into the archive (-XX:ArchiveClassesAtExit, Java 13+). A later
# start with -XX:SharedArchiveFile maps them instead of parsing and verifying them again. The archive fits
# only the JVM that wrote it and the jar at the same path: build it again after a JDK or jar change (a JVM
# that cannot use it warns and starts without it). The Dockerfile runs this script as the image is built.
# Needs curl.
set -eu
jar=${1:?usage: cds-archive.sh JAR ARCHIVE}
archive=${2:?usage: cds-archive.sh JAR ARCHIVE}
port=${PORT:-18079}
log=$(mktemp)
rm -f "$archive"
FLOWCAST_HTTP_HOST=127.0.0.1 FLOWCAST_HTTP_PORT=$port FLOWCAST_REDIS_URL= FLOWCAST_PG_URL= \
  java -XX:ArchiveClassesAtExit="$archive" -jar "$jar" > "$log" 2>&1 &
pid=$!
i=0
until curl -fs -o /dev/null "http://127.0.0.1:$port/ready"; do
  i=$((i + 1))
  if [ $i -gt 300 ] || ! kill -0 $pid 2>/dev/null; then
    cat "$log" >&2
    echo "cds-archive: the training run did not become ready" >&2
    kill -9 $pid 2>/dev/null || true
    exit 1
  fi
  sleep 0.5
done
kill -TERM $pid
wait $pid || true
if [ ! -s "$archive" ]; then
  cat "$log" >&2
  echo "cds-archive: no archive was written" >&2
  exit 1
fi
rm -f "$log"
echo "cds-archive: $archive ($(du -h "$archive" | cut -f1)) from a training run of $jar"
