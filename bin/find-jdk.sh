# Sourced by ./mvnw and ./shale: exports JAVA_HOME pointing at a JDK 21 or newer.
# Order: $JAVA_HOME if it is 21+, then `java` on PATH, then the usual install folders (newest first).

shale_jdk_feature() { # prints the feature version (17, 21, 25...) of the JDK at $1, or nothing
  local home=$1 v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  v=${v#1.}
  echo "${v%%[.+-]*}"
}

shale_find_jdk() {
  local best="" best_v=0 home v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(shale_jdk_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(shale_jdk_feature "$home")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$home"; return 0; fi
  fi
  for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
      "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$home" ] || continue
    v=$(shale_jdk_feature "$home")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$home; best_v=$v; fi
  done
  [ -n "$best" ] && echo "$best"
}

SHALE_JDK=$(shale_find_jdk) || true
if [ -z "${SHALE_JDK:-}" ]; then
  echo "Shale needs a JDK 21 or newer and found none (JAVA_HOME, PATH, /usr/lib/jvm, ~/.sdkman)." >&2
  echo "Install one and set JAVA_HOME to it." >&2
  exit 2
fi
export JAVA_HOME=$SHALE_JDK
