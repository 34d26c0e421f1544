# Sourced by ./mvnw and ./shale: exports JAVA_HOME pointing at a JDK 21 or newer, and
# SHALE_JDK_FEATURE, its feature version (21, 25...).
# Order: $JAVA_HOME if it is 21+, then `java` on PATH, then the usual install folders (newest first).
# ./shale sources this on every call, so it reads release files with shell builtins and forks
# nothing for a JDK that has one.

shale_jdk_feature() { # sets shale_feature to the feature version of the JDK at $1, or to ""
  local home=$1 v="" line
  shale_feature=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        JAVA_VERSION=*)
          v=${line#JAVA_VERSION=}
          v=${v//\"/}
          break
          ;;
      esac
    done <"$home/release"
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  v=${v#1.}
  v=${v%%[.+-]*}
  case $v in
    '' | *[!0-9]*) ;;
    *) shale_feature=$v ;;
  esac
}

shale_find_jdk() { # sets SHALE_JDK and SHALE_JDK_FEATURE, or leaves SHALE_JDK empty
  local best="" best_v=0 home javac
  SHALE_JDK=""
  if [ -n "${JAVA_HOME:-}" ]; then
    shale_jdk_feature "$JAVA_HOME"
    if [ -n "$shale_feature" ] && [ "$shale_feature" -ge 21 ]; then
      SHALE_JDK=$JAVA_HOME SHALE_JDK_FEATURE=$shale_feature
      return 0
    fi
  fi
  if javac=$(command -v javac 2>/dev/null); then
    home=$(readlink -f "$javac")
    home=${home%/bin/javac}
    shale_jdk_feature "$home"
    if [ -n "$shale_feature" ] && [ "$shale_feature" -ge 21 ]; then
      SHALE_JDK=$home SHALE_JDK_FEATURE=$shale_feature
      return 0
    fi
  fi
  for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
      "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$home" ] || continue
    shale_jdk_feature "$home"
    if [ -n "$shale_feature" ] && [ "$shale_feature" -ge 21 ] && [ "$shale_feature" -gt "$best_v" ]; then
      best=$home
      best_v=$shale_feature
    fi
  done
  if [ -n "$best" ]; then
    SHALE_JDK=$best SHALE_JDK_FEATURE=$best_v
  fi
}

shale_find_jdk
if [ -z "${SHALE_JDK:-}" ]; then
  echo "Shale needs a JDK 21 or newer and found none (JAVA_HOME, PATH, /usr/lib/jvm, ~/.sdkman)." >&2
  echo "Install one and set JAVA_HOME to it." >&2
  exit 2
fi
export JAVA_HOME=$SHALE_JDK SHALE_JDK_FEATURE
