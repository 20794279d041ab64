#!/bin/sh
# chainsight's container entrypoint: the image's whole logic, kept here so that tests run it outside Docker with
# the same arguments and environment variables (proxy-cli's EntrypointIT).
#
#   entrypoint.sh                 chainsight run (the image's default command)
#   entrypoint.sh SUBCOMMAND ...  any chainsight subcommand: check-config, healthcheck, diagnose, ...
#   entrypoint.sh train-archive   record the class-data archive / AOT cache (the image's build runs it)
#
# What it decides, before handing over to the JVM with exec (so SIGTERM reaches it: drain, then exit 0):
# - Config file: $CHAINSIGHT_CONFIG_DIR/chainsight.conf (default /etc/chainsight/chainsight.conf) when it
#   exists and CHAINSIGHT_CONFIG is unset; otherwise the configuration is environment variables and defaults.
# - Admin endpoint: reachable from outside the container only with a token. CHAINSIGHT_ADMIN_TOKEN set and
#   CHAINSIGHT_ADMIN_HOST unset -> CHAINSIGHT_ADMIN_HOST=0.0.0.0; otherwise it stays where the config puts it
#   (127.0.0.1 by default, enough for the HEALTHCHECK, which runs inside the container).
# - TLS files named by CHAINSIGHT_TLS_* must exist and be readable by this user (run and check-config), so a
#   forgotten volume or a key only its owner can read is named with the fix, not found later by the JVM.
#
# - Native libraries: when $CHAINSIGHT_NATIVE_DIR (default /opt/chainsight/native, where the image unpacks
#   Netty's BoringSSL and epoll libraries) exists, it goes on java.library.path, so Netty loads them from there
#   and needs no writable, executable /tmp (a read-only root filesystem keeps the native engine).
#
# - Archive: the JVM starts from what a training run loaded (`chainsight train`): on JDK 17-24 an application
#   class-data archive ($CHAINSIGHT_ARCHIVE, default /opt/chainsight/chainsight.jsa), on JDK 25+ an AOT cache
#   (default /opt/chainsight/chainsight.aot), when that file exists; CHAINSIGHT_ARCHIVE=off starts without it.
#   The image's build records it with `entrypoint.sh train-archive` and the same JVM flags run uses; a JVM or
#   flags it does not fit make the JVM skip it with a warning, and the start is just slower.
#
# Other variables: CHAINSIGHT_JAR (default /opt/chainsight/chainsight.jar); JAVA_OPTS (JVM flags for run and
# the other subcommands; default below; set it, even empty, to replace the default); JAVA_HOME (java is
# $JAVA_HOME/bin/java when set, else java from PATH).
set -eu

CHAINSIGHT_JAR="${CHAINSIGHT_JAR:-/opt/chainsight/chainsight.jar}"
native_dir="${CHAINSIGHT_NATIVE_DIR:-/opt/chainsight/native}"
config_dir="${CHAINSIGHT_CONFIG_DIR:-/etc/chainsight}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The JVM's feature version, from its release file (starting a JVM to ask would cost what the archive saves).
java_path=$(command -v "$java" 2>/dev/null || true)
java_feature=0
if [ -n "$java_path" ]; then
  java_release="$(dirname "$(dirname "$(readlink -f "$java_path")")")/release"
  java_feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_release" 2>/dev/null || true)
fi
case "$java_feature" in '' | *[!0-9]*) java_feature=0 ;; esac
# The sidecar flags bin/chainsight uses (measured in bench/, docs/performance.md), with the heap taken from the
# container's memory limit instead of -Xmx: a serial collector, a small first heap and thread stacks, native
# memory returned when idle, Netty's leak detector off, and an OutOfMemoryError ends the process so the
# container restarts rather than limps. The event-loop count is listen.event-loops, not a JVM flag.
default_java_opts="-XX:MaxRAMPercentage=50 -XX:+UseSerialGC -Xms16m -Xss512k -XX:+ExitOnOutOfMemoryError -XX:TrimNativeHeapInterval=5000 -Dio.netty.leakDetection.level=disabled"
# JDK 25: compact object headers, every object 4 bytes smaller (the AOT cache is recorded with the same flag).
if [ "$java_feature" -ge 25 ]; then
  default_java_opts="$default_java_opts -XX:+UseCompactObjectHeaders"
fi
# The healthcheck runs every 30 s inside the same memory limit: a small heap and a fast start are enough.
healthcheck_java_opts="-XX:+UseSerialGC -Xmx32m -XX:TieredStopAtLevel=1 -Xss256k"
# glibc gives each thread that allocates its own 64 MB arena: two are enough for a JVM this size.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
if [ "$java_feature" -ge 25 ]; then
  archive="${CHAINSIGHT_ARCHIVE:-/opt/chainsight/chainsight.aot}"
  record_flag="-XX:AOTCacheOutput="
  use_flag="-XX:AOTCache="
else
  archive="${CHAINSIGHT_ARCHIVE:-/opt/chainsight/chainsight.jsa}"
  record_flag="-XX:ArchiveClassesAtExit="
  use_flag="-XX:SharedArchiveFile="
fi

if [ "$#" -eq 0 ]; then
  set -- run
fi

# One line on stderr: JSON when CHAINSIGHT_LOG_FORMAT=json (a log shipper parses every line), text otherwise.
say() {
  level="$1"
  message="$2"
  if [ "${CHAINSIGHT_LOG_FORMAT:-text}" = json ]; then
    escaped=$(printf '%s' "$message" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g')
    printf '{"@timestamp":"%s","message":"%s","logger_name":"chainsight.entrypoint","level":"%s"}\n' \
      "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$escaped" "$level" >&2
  else
    printf '%s\n' "$message" >&2
  fi
}

problems=0

# $1 is the variable's name, $2 its value (a path). Relative paths resolve against the working directory, as
# chainsight resolves them for environment variables.
check_file() {
  if [ ! -e "$2" ]; then
    say ERROR "error: $1=$2: no such file in the container (expected: a PEM file; mount the directory that holds it, e.g. docker run -v /path/to/pki:/etc/chainsight/certs:ro, and name it by its path inside the container)"
    problems=$((problems + 1))
  elif [ ! -f "$2" ]; then
    say ERROR "error: $1=$2: not a regular file (expected: a PEM file, not a directory)"
    problems=$((problems + 1))
  elif [ ! -r "$2" ]; then
    say ERROR "error: $1=$2: exists but user $(id -u) cannot read it (expected: readable by the container's user; e.g. chown $(id -u) the file on the host, or give it mode 0640 and run with --group-add of its group)"
    problems=$((problems + 1))
  fi
}

check_tls_files() {
  for name in CHAINSIGHT_TLS_CERTIFICATE_CHAIN CHAINSIGHT_TLS_PRIVATE_KEY CHAINSIGHT_TLS_TRUSTED_CAS; do
    value=$(printenv "$name" || true)
    if [ -n "$value" ]; then
      check_file "$name" "$value"
    fi
  done
  # CRLs are a comma-separated list: split on commas only, no globbing of the paths.
  if [ -n "${CHAINSIGHT_TLS_CRLS:-}" ]; then
    old_ifs="$IFS"
    IFS=,
    set -f
    for crl in $CHAINSIGHT_TLS_CRLS; do
      crl=$(printf '%s' "$crl" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
      if [ -n "$crl" ]; then
        check_file CHAINSIGHT_TLS_CRLS "$crl"
      fi
    done
    set +f
    IFS="$old_ifs"
  fi
}

if [ -z "${CHAINSIGHT_CONFIG:-}" ] && [ -f "$config_dir/chainsight.conf" ]; then
  export CHAINSIGHT_CONFIG="$config_dir/chainsight.conf"
fi

if [ -n "${CHAINSIGHT_ADMIN_TOKEN:-}" ] && [ -z "${CHAINSIGHT_ADMIN_HOST:-}" ]; then
  export CHAINSIGHT_ADMIN_HOST=0.0.0.0
fi

case "$1" in
  run | check-config)
    check_tls_files
    if [ "$problems" -gt 0 ]; then
      if [ "$problems" -eq 1 ]; then noun=problem; else noun=problems; fi
      say ERROR "chainsight entrypoint: $problems $noun in the environment; not starting"
      exit 2
    fi
    ;;
esac

if [ ! -f "$CHAINSIGHT_JAR" ]; then
  say ERROR "chainsight entrypoint: CHAINSIGHT_JAR=$CHAINSIGHT_JAR does not exist (expected: the shaded jar, /opt/chainsight/chainsight.jar in the image; proxy-cli/target/chainsight.jar after mvn package)"
  exit 2
fi

if [ "$1" = healthcheck ]; then
  java_opts="$healthcheck_java_opts"
else
  java_opts="${JAVA_OPTS-$default_java_opts}"
  if [ "$archive" != off ] && [ -s "$archive" ] && [ "$1" != train-archive ]; then
    java_opts="$java_opts $use_flag$archive"
  fi
fi

# First, so that a -Djava.library.path in JAVA_OPTS wins.
if [ -d "$native_dir" ]; then
  java_opts="-Djava.library.path=$native_dir $java_opts"
fi

# The archive: `chainsight train` (a few seconds of the proxy's first minutes on loopback) in a JVM that records
# what it loaded. Not exec'd: the file must exist and not be empty afterwards.
if [ "$1" = train-archive ]; then
  if [ "$java_feature" -lt 17 ] || [ "$archive" = off ]; then
    say ERROR "chainsight entrypoint: train-archive needs Java 17 or newer and CHAINSIGHT_ARCHIVE not off (java: $java, version ${java_feature:-unknown})"
    exit 2
  fi
  rm -f "$archive"
  work=$(mktemp -d "${TMPDIR:-/tmp}/chainsight-train.XXXXXX")
  # The example PKI is made by another JVM, as bin/chainsight does: making it loads Bouncy Castle's provider,
  # which a proxy never needs, and what the recording JVM loads ends up in every start's memory. The JVM lists
  # every class it cannot archive (picocli's are Java 5 bytecode): kept out of the build log unless it fails.
  # shellcheck disable=SC2086
  if ! "$java" $java_opts -jar "$CHAINSIGHT_JAR" pki init "$work/pki" >"$work/log" 2>&1 \
    || ! "$java" $java_opts "$record_flag$archive" -jar "$CHAINSIGHT_JAR" train --pki "$work/pki" >"$work/log" 2>&1 \
    || [ ! -s "$archive" ]; then
    tail -20 "$work/log" >&2
    rm -rf "$work" "$archive"
    say ERROR "chainsight entrypoint: the training run left no archive at $archive (its last lines above)"
    exit 1
  fi
  grep '^trained:' "$work/log" >&2 || true
  rm -rf "$work"
  say INFO "chainsight entrypoint: recorded $archive ($(wc -c <"$archive") bytes, Java $java_feature)"
  exit 0
fi

# $java_opts is split into words on purpose: it holds several flags.
# shellcheck disable=SC2086
exec "$java" $java_opts -jar "$CHAINSIGHT_JAR" "$@"
