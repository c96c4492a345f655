#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of src/test/java/io/flowcast/jmh (docs/PERFORMANCE.md, "JMH").
# Usage: bash scripts/jmh.sh [JMH options, e.g. HotPathBenchmark -f 1 -wi 2 -i 3]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/jmh-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" org.openjdk.jmh.Main "$@"
