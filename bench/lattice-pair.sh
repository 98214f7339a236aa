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
# Knobs: LATTICE_JAVA_OPTS (JVM flags, default below), LATTICE_EXTRA_JAVA_OPTS (added to them),
#        LATTICE_BENCH_IDLE (how long idle connections are kept, default 120s), LATTICE_CORES (event loops per proxy, default 1),
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
# - C2 only (-TieredCompilation, one compiler thread): about half of C1's CPU per request once the
#   data path is compiled; without the C1 tier there is no profiled C1 code and fewer profiles, so
#   code cache and metaspace stay near C1-only's. The compiler's arenas are malloc'd per
#   compilation; HotSpot pools the freed chunks for up to 5 s, then frees them, and the native heap
#   is trimmed every 250 ms so that memory goes back to the OS.
# - no 10-30 MB compilation of start-up crypto: before its first request each proxy signs and
#   verifies with its key in Java (EC point doubling, 16 MB of C2 arena) and Netty copies the key
#   into an in-memory PKCS#12 keystore per TLS context (PBKDF2, 10,000 rounds to store and 10,000
#   to read back; 8-14 MB of C2 arena, twice). Compiled 1-3 s after start, pooled for 5 s on top
#   of a baseline still growing under the self warm-up, they made the 99-103 MiB start-up peak. The
#   EC field arithmetic is called rather than inlined into the point formulas (EC runs at start and
#   once per new mesh connection); ProxyMain itself makes that throw-away keystore, which never
#   leaves the process, protect the key with one round. Start-up also got faster: 1.3-1.4 s to the
#   first 200, not 1.6-1.8.
# - -XX:InlineSmallCode=500 (C2-only default 1000): a callee whose compiled code is over 500 bytes
#   is called, not inlined once more. The roots of the relay path (Netty's HTTP/2 frame decoder and
#   listeners on A, the exchange start on B) took 10-18 MB of compiler arena each (once 27 MB) on
#   top of a baseline of ~80 MiB under the self warm-up's load: 96-101 MiB. Now at most ~8 MB on A
#   and 12-15 MB on B, with no CPU per request difference measurable in the harness.
# - -Xshare:off: the JDK's CDS archive is mapped at a random address and relocated, which dirties
#   all 14.6 MB of it; loading only the JDK classes the proxy uses costs 3-4 MB less RSS (+60 ms).
# - 12 MB heap with a 3 MB young generation: the proxy keeps ~3 MB live after start (no
#   BouncyCastle in the process), and every heap page touched stays resident, so the cap bounds RSS.
# - compact object headers (8-byte headers): a few MB less RSS.
# - -XX:+ExitOnOutOfMemoryError: a proxy whose event loop died of an OutOfMemoryError would keep
#   running and answer nothing; exiting lets the supervisor restart it. (The connection limit,
#   LATTICE_PROXY_MAX_CONNECTIONS, follows -Xmx so that connections alone cannot get there.)
# - serial GC, one CPU's worth of GC threads, small stacks and code cache. (Netty 4.2's default
#   adaptive allocator ignores the pooled allocator's arena settings, so none are passed.)
JAVA_OPTS=${LATTICE_JAVA_OPTS:-"-Xms4m -Xmx12m -Xmn3m -XX:MaxDirectMemorySize=32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
 -XX:+UseSerialGC -XX:+UseCompactObjectHeaders -XX:ActiveProcessorCount=1 -Xss256k \
 -XX:-TieredCompilation -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=48m \
 -XX:TrimNativeHeapInterval=250 -Xshare:off -XX:InlineSmallCode=500 -XX:+ExitOnOutOfMemoryError \
 -XX:CompileCommand=quiet -XX:CompileCommand=dontinline,sun.security.util.math.intpoly.*::* \
 --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"}
JAVA_OPTS="$JAVA_OPTS ${LATTICE_EXTRA_JAVA_OPTS:-}"
# glibc: one malloc arena per thread would add tens of MB of RSS for nothing; one arena keeps the
# compiler thread's freed memory where the trimmer returns it.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-1}
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

# Idle connections are kept as long as the haproxy pairs keep theirs ("timeout http-keep-alive
# 120s", "http-reuse always"): the harness runs each setup's tests between the other setups' and
# idles the pair for longer than Linkerd's defaults (a peer's HTTP/2 connection goes 5 s after
# its last client, an HTTP/1 connection to the app after 3 s), so with those every measured test
# would begin with a new mTLS handshake and new app connections, which haproxy's never do. Set
# LATTICE_BENCH_IDLE to change it (5s is close to Linkerd's defaults).
IDLE=${LATTICE_BENCH_IDLE:-120s}

env LINKERD2_PROXY_CORES="$CORES" \
  LINKERD2_PROXY_INBOUND_LISTEN_ADDR="127.0.0.1:$BENCH_HOP" \
  LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR=127.0.0.1:0 \
  LINKERD2_PROXY_ADMIN_LISTEN_ADDR="127.0.0.1:$BENCH_HOP3" \
  LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD=1s \
  LINKERD2_PROXY_INBOUND_HTTP1_CONNECTION_POOL_IDLE_TIMEOUT="$IDLE" \
  LATTICE_PROXY_CERT_FILE="$BENCH_CERTS/server.crt" LATTICE_PROXY_KEY_FILE="$BENCH_CERTS/server.key" \
  LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS="$BENCH_CERTS/ca.crt" \
  "$JAVA" $JAVA_OPTS -cp "$CP" dev.lattice.proxy.ProxyMain > "$WORK/b.log" 2>&1 &
pids+=($!); echo "B $!" >> "$PIDFILE"

env LINKERD2_PROXY_CORES="$CORES" \
  LINKERD2_PROXY_INBOUND_LISTEN_ADDR=127.0.0.1:0 \
  LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS="$OUT_ADDRS" \
  LINKERD2_PROXY_ADMIN_LISTEN_ADDR="127.0.0.1:$BENCH_HOP2" \
  LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD=1s \
  LINKERD2_PROXY_OUTBOUND_DISCOVERY_IDLE_TIMEOUT="$IDLE" \
  LATTICE_PROXY_STATIC_ORIG_DST="$ORIG" \
  LATTICE_PROXY_DISCOVERY_FILE="$WORK/discovery.txt" \
  LATTICE_PROXY_CERT_FILE="$BENCH_CERTS/client.crt" LATTICE_PROXY_KEY_FILE="$BENCH_CERTS/client.key" \
  LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS="$BENCH_CERTS/ca.crt" \
  "$JAVA" $JAVA_OPTS -cp "$CP" dev.lattice.proxy.ProxyMain > "$WORK/a.log" 2>&1 &
pids+=($!); echo "A $!" >> "$PIDFILE"

echo "lattice pair: A pid ${pids[1]} (entry $OUT_ADDRS), B pid ${pids[0]} (mTLS :$BENCH_HOP); logs in $WORK"

# Self warm-up. The harness warms every setup with 8 HTTP/1.1 connections only (wrk), so with C2
# the code that serves h2c clients, and the shapes of 64 connections or of one request at a time,
# would be compiled during the first measured tests. For WARMUP seconds right after start -- while
# the harness is still in its own warm-up phase, which lasts WARMUP seconds per setup, so it never
# overlaps a measurement -- the pair serves 64 HTTP/1.1 connections and 16 h2c connections with 4
# streams each, then, for the last quarter, the rate tests' shape (10 connections of each at 1000
# requests per second) for a second at a time with a second of idleness between. The pauses matter:
# C2 compiles the event loop from a profile in which it never waited, so the first time the pair
# went idle (between two measured tests) its main loop, read path and task runner hit uncommon
# traps, were deoptimised and ran interpreted into the next test until recompiled
# (-Xlog:deoptimization: EpollIoHandler.run, epollInReady, runAllTasks). Once recompiled with both
# paths, later idle spells deoptimise nothing. LATTICE_SELF_WARMUP=0 turns it off.
if [ "${LATTICE_SELF_WARMUP:-1}" = 1 ] && command -v h2load >/dev/null; then
  busy_seconds=$(( ${WARMUP:-2} * 3 / 4 ))
  calm_seconds=$(( ${WARMUP:-2} - busy_seconds ))
  log=$WORK/self-warmup.log
  h1=http://127.0.0.1:$BENCH_ENTRY_H1/
  h2=${BENCH_ENTRY_H2:+http://127.0.0.1:$BENCH_ENTRY_H2/}
  (
    for _ in $(seq 100); do
      curl -s -o /dev/null "$h1" && break
      sleep 0.1
    done
    h2load --h1 -c64 -D "$busy_seconds" "$h1" >> "$log" 2>&1 &
    [ -z "$h2" ] || h2load -c16 -m4 -D "$busy_seconds" "$h2" >> "$log" 2>&1 &
    wait
    calm_until=$((SECONDS + calm_seconds))
    while [ "$SECONDS" -lt "$calm_until" ]; do
      h2load --h1 -t2 -c10 --rps 100 -D 1 "$h1" >> "$log" 2>&1 &
      [ -z "$h2" ] || h2load -t2 -c10 --rps 100 -D 1 "$h2" >> "$log" 2>&1 &
      wait
      sleep 1
    done
  ) &
  pids+=($!)
fi
wait
