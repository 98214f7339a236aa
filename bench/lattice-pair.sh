#!/usr/bin/env bash
# bench/lattice-pair.sh - a Lattice proxy pair for /work/shared/bench/run.sh (custom-pair contract).
#
#   client --plain h1/h2c--> proxy A (outbound, :BENCH_ENTRY_H1 / :BENCH_ENTRY_H2)
#          --mTLS TLS 1.3, one multiplexed HTTP/2 connection per upstream port--> proxy B (inbound, :BENCH_HOP)
#          --plain--> upstream (:BENCH_UP_H1 HTTP/1.1, :BENCH_UP_H2 h2c)
#
# A treats connections on its entry ports as if iptables had redirected them from the upstream
# ports (LATTICE_PROXY_STATIC_ORIG_DST) and a static discovery file says both upstreams are meshed
# behind B (identity proxy-b.lattice.local). Admin: A on :BENCH_HOP2, B on :BENCH_HOP3.
# Stays in the foreground; writes "A <pid>" / "B <pid>" to BENCH_PIDFILE; SIGTERM stops both.
#
# Usage (from the repository root):
#   CUSTOM_PAIR_NAME=lattice CUSTOM_PAIR_CMD='bash bench/lattice-pair.sh' RUNS=1 DUR=5 WARMUP=20 /work/shared/bench/run.sh
# Knobs: LATTICE_JAVA_OPTS (JVM flags, default below), LATTICE_CORES (event loops per proxy, default 1),
#        LATTICE_SKIP_BUILD=1 (use the existing proxy/target build).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${BENCH_ENTRY_H1:?}" "${BENCH_HOP:?}" "${BENCH_UP_H1:?}" "${BENCH_UP_H2:?}" "${BENCH_CERTS:?}"
BENCH_ENTRY_H2=${BENCH_ENTRY_H2:-}
BENCH_HOP2=${BENCH_HOP2:-0}
BENCH_HOP3=${BENCH_HOP3:-0}
WORK=${BENCH_WORK:-$(mktemp -d)}/lattice
PIDFILE=${BENCH_PIDFILE:-/dev/null}
mkdir -p "$WORK"

if [ "${LATTICE_SKIP_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && ./mvnw -q -B -pl proxy -am package -DskipTests)
fi
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
CP="$ROOT/proxy/target/classes:$ROOT/proxy/target/lib/*"

# Sidecar-sized JVM (each choice measured, see docs/performance.md):
# - C1 only (TieredStopAtLevel=1, one compiler thread): on two busy shared cores C2 took well over
#   20 s to warm the data path (3-5x the steady CPU per request meanwhile) and its compiler arenas
#   cost ~30 MB of RSS. Fully warmed C2 code is faster; pass LATTICE_JAVA_OPTS to compare.
# - 16 MB heap with a 4 MB young generation: the proxy keeps little live data (~10 MB after start),
#   and every heap page touched during start-up stays resident, so the cap bounds RSS directly.
# - compact object headers (8-byte headers): a few MB less idle RSS in our measurements.
# - serial GC, one CPU's worth of GC threads, small stacks and code cache. (Netty 4.2's default
#   adaptive allocator ignores the pooled allocator's arena settings, so none are passed.)
JAVA_OPTS=${LATTICE_JAVA_OPTS:-"-Xms4m -Xmx16m -Xmn4m -XX:MaxDirectMemorySize=32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
 -XX:+UseSerialGC -XX:+UseCompactObjectHeaders -XX:ActiveProcessorCount=1 -Xss256k \
 -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=48m \
 --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"}
# glibc: one malloc arena per thread would add tens of MB of RSS for nothing.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
CORES=${LATTICE_CORES:-1}

{
  echo "127.0.0.1:$BENCH_UP_H1 identity=proxy-b.lattice.local proxy=127.0.0.1:$BENCH_HOP label.service=upstream-h1"
  echo "127.0.0.1:$BENCH_UP_H2 identity=proxy-b.lattice.local proxy=127.0.0.1:$BENCH_HOP label.service=upstream-h2"
} > "$WORK/discovery.txt"

OUT_ADDRS="127.0.0.1:$BENCH_ENTRY_H1"
ORIG="$BENCH_ENTRY_H1=127.0.0.1:$BENCH_UP_H1"
if [ -n "$BENCH_ENTRY_H2" ]; then
  OUT_ADDRS="$OUT_ADDRS,127.0.0.1:$BENCH_ENTRY_H2"
  ORIG="$ORIG,$BENCH_ENTRY_H2=127.0.0.1:$BENCH_UP_H2"
fi

pids=()
stop() {
  trap - TERM INT
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait
  exit 0
}
trap stop TERM INT

env LINKERD2_PROXY_CORES="$CORES" \
  LINKERD2_PROXY_INBOUND_LISTEN_ADDR="127.0.0.1:$BENCH_HOP" \
  LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR=127.0.0.1:0 \
  LINKERD2_PROXY_ADMIN_LISTEN_ADDR="127.0.0.1:$BENCH_HOP3" \
  LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD=1s \
  LATTICE_PROXY_CERT_FILE="$BENCH_CERTS/server.crt" LATTICE_PROXY_KEY_FILE="$BENCH_CERTS/server.key" \
  LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS="$BENCH_CERTS/ca.crt" \
  "$JAVA" $JAVA_OPTS -cp "$CP" dev.lattice.proxy.ProxyMain > "$WORK/b.log" 2>&1 &
pids+=($!); echo "B $!" >> "$PIDFILE"

env LINKERD2_PROXY_CORES="$CORES" \
  LINKERD2_PROXY_INBOUND_LISTEN_ADDR=127.0.0.1:0 \
  LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS="$OUT_ADDRS" \
  LINKERD2_PROXY_ADMIN_LISTEN_ADDR="127.0.0.1:$BENCH_HOP2" \
  LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD=1s \
  LATTICE_PROXY_STATIC_ORIG_DST="$ORIG" \
  LATTICE_PROXY_DISCOVERY_FILE="$WORK/discovery.txt" \
  LATTICE_PROXY_CERT_FILE="$BENCH_CERTS/client.crt" LATTICE_PROXY_KEY_FILE="$BENCH_CERTS/client.key" \
  LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS="$BENCH_CERTS/ca.crt" \
  "$JAVA" $JAVA_OPTS -cp "$CP" dev.lattice.proxy.ProxyMain > "$WORK/a.log" 2>&1 &
pids+=($!); echo "A $!" >> "$PIDFILE"

echo "lattice pair: A pid ${pids[1]} (entry $OUT_ADDRS), B pid ${pids[0]} (mTLS :$BENCH_HOP); logs in $WORK"
wait
