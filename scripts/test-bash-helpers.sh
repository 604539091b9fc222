#!/usr/bin/env bash
# Tests for the bash helper library (plugins/common/functions and
# property-functions) and the hello-legacy example, runnable without the Rust
# binary: a stub `dokku` on PATH records how the helpers call `dokku __core`.
#
#   scripts/test-bash-helpers.sh            # prints one line per failure, then a summary
#
# Exits non-zero when any check fails.
#
# The snippets under test are written in single quotes on purpose: they are
# expanded by the shell that sources the library, not by this one.
# shellcheck disable=SC2016
set -eo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COMMON="$REPO_ROOT/plugins/common"
HELLO="$REPO_ROOT/examples/hello-legacy"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dokku-bash-helpers.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); }
fail() {
  FAILED=$((FAILED + 1))
  printf 'FAIL: %s\n' "$1"
  if [[ $# -gt 1 ]]; then
    printf '  expected: %q\n  actual:   %q\n' "$2" "$3"
  fi
}

# words TEXT: TEXT with every run of whitespace (newlines too) made one space.
words() {
  local -a w
  read -r -d '' -a w <<<"$1" || true
  printf '%s' "${w[*]}"
}

# check NAME EXPECTED ACTUAL
check() {
  if [[ "$2" == "$3" ]]; then pass; else fail "$1" "$2" "$3"; fi
}

# run_sh SCRIPT: run bash code in a fresh shell that has sourced the library
# under `set -eo pipefail`; sets OUT, ERR and RC.
run_sh() {
  local script="$1"
  RC=0
  env -u DOKKU_QUIET_OUTPUT -u DOKKU_GLOBAL_FLAGS -u DOKKU_APP_NAME -u DOKKU_TRACE \
    -u DOKKU_APPS_FORCE_DELETE -u DOKKU_FAIL_EXIT_CODE \
    PATH="$WORK/bin:$PATH" DOKKU_STUB_LOG="$WORK/stub.log" \
    bash -c 'set -eo pipefail; source "$1/functions"; eval "$2"' _ "$COMMON" "$script" \
    >"$WORK/out" 2>"$WORK/err" </dev/null || RC=$?
  OUT="$(cat "$WORK/out")"
  ERR="$(cat "$WORK/err")"
}

# run_src FILE SCRIPT: like run_sh, with plugins/FILE sourced (as a plugin would,
# with the dispatcher's PLUGIN_*_PATH) instead of common/functions.
run_src() {
  local file="$1" script="$2"
  RC=0
  env -u DOKKU_QUIET_OUTPUT -u DOKKU_GLOBAL_FLAGS -u DOKKU_APP_NAME -u DOKKU_TRACE \
    -u DOKKU_BUILD_ID -u DOKKU_REDIRECT_OUTPUT \
    PATH="$WORK/bin:$PATH" DOKKU_STUB_LOG="$WORK/stub.log" DOCKER_BIN="$WORK/bin/fake-docker" \
    PLUGIN_CORE_AVAILABLE_PATH="$REPO_ROOT/plugins" PLUGIN_AVAILABLE_PATH="$REPO_ROOT/plugins" \
    bash -c 'set -eo pipefail; source "$1"; eval "$2"' _ "$REPO_ROOT/plugins/$file" "$script" \
    >"$WORK/out" 2>"$WORK/err" </dev/null || RC=$?
  OUT="$(cat "$WORK/out")"
  ERR="$(cat "$WORK/err")"
}

# A stub dokku: logs its argv (one %q-quoted line per call) and imitates the
# few core answers the tests need.
mkdir -p "$WORK/bin"
cat >"$WORK/bin/dokku" <<'STUB'
#!/usr/bin/env bash
{
  printf 'dokku'
  printf ' %q' "$@"
  printf '\n'
} >>"$DOKKU_STUB_LOG"
case "$1 $2 ${3:-}" in
  "__core verify-app-name missing")
    echo " !     App missing does not exist" >&2
    exit 20
    ;;
  "__core is-valid-app-name --old")
    [[ "${4:-}" =~ ^[a-z0-9][a-z0-9._-]*$ ]] && exit 0
    echo " !     App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, hyphens, and underscores" >&2
    exit 1
    ;;
  "__core is-valid-app-name Bad_Name")
    echo " !     App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens" >&2
    exit 1
    ;;
  "__core is-deployed web")
    exit 0
    ;;
  "__core is-deployed "*)
    exit 1
    ;;
  "__core app-container-ids web")
    echo "c1 c2 c3"
    ;;
  "__core app-container-types web")
    echo "web worker"
    ;;
  "__core image-is-cnb-based cnb:1" | "__core image-is-herokuish-based herokuish:1")
    echo true
    ;;
  "__core image-is-cnb-based "* | "__core image-is-herokuish-based "*)
    echo false
    ;;
  "__core nginx-feature "*)
    [[ "${4:-}" == "1.24.0" ]] && echo true || echo false
    ;;
  "__core build-id ")
    echo "1700000000000-77"
    ;;
  "__core checks-status web")
    [[ "${4:-}" == "web" ]] && echo true || echo false
    ;;
  "__core config get")
    # config_get APP KEY / --global KEY: answers from $DOKKU_STUB_CONFIG lines APP:KEY=VALUE.
    grep -s "^$4:$5=" "${DOKKU_STUB_CONFIG:-/dev/null}" | cut -d= -f2- | grep . || exit 1
    ;;
  "__core apps-list false" | "__core apps-list ")
    printf '%s\n' one two
    ;;
  "__core deploy-lock acquire")
    [[ "$4" == "busy" ]] && { echo " !     Run 'apps:unlock' to release the existing deploy lock" >&2; exit 1; }
    ;;
  "__core deploy build")
    [[ "$4" == "broken" ]] && { echo " !     App build failed" >&2; exit 1; }
    ;;
  "__core nginx-render "*)
    [[ "$3" == "bad" ]] && { echo " !     cannot render" >&2; exit 1; }
    printf 'server { # %s %s %s }\n' "$3" "$4" "${5:-}"
    ;;
  "__core nginx-app-template web")
    echo "$DOKKU_STUB_TEMPLATE"
    ;;
  "__core nginx-bin "*)
    echo "${DOKKU_STUB_NGINX_BIN:-/nonexistent/nginx}"
    ;;
esac
exit 0
STUB
chmod +x "$WORK/bin/dokku"

# A stub plugn: logs its argv to the same log and answers a few triggers.
cat >"$WORK/bin/plugn" <<'STUB'
#!/usr/bin/env bash
{
  printf 'plugn'
  printf ' %q' "$@"
  printf '\n'
} >>"$DOKKU_STUB_LOG"
case "$1 ${2:-}" in
  "trigger scheduler-detect") echo "docker-local" ;;
  "trigger scheduler-app-status") echo "3 mixed" ;;
  "trigger user-auth") [[ "${5:-}" == "refused" ]] && exit 1 ;;
esac
exit 0
STUB
chmod +x "$WORK/bin/plugn"

# A stub docker (given as DOCKER_BIN): answers inspect and port queries.
cat >"$WORK/bin/fake-docker" <<'STUB'
#!/usr/bin/env bash
{
  printf 'docker'
  printf ' %q' "$@"
  printf '\n'
} >>"$DOKKU_STUB_LOG"
case "$*" in
  "container inspect --format {{.State.Running}} c1" | "container inspect --format {{.State.Running}} c3") echo true ;;
  "container inspect --format {{.State.Running}} "*) echo false ;;
  "container inspect --format {{.State.Paused}} c2") echo true ;;
  "container port c1") printf '%s\n' "5000/tcp -> 0.0.0.0:49153" "5000/tcp -> [::]:49153" ;;
  "container port c2") printf '%s\n' "53/udp -> 0.0.0.0:49160" ;;
  "image inspect --format {{.Architecture}} amd:1") echo amd64 ;;
  "image inspect --format {{.Architecture}} arm:1") echo arm64 ;;
  "version --format {{ .Client.Version }}") echo "27.3.1" ;;
  "compose version") [[ -n "${DOKKU_STUB_COMPOSE:-}" ]] || exit 1 ;;
  *) exit 1 ;;
esac
STUB
chmod +x "$WORK/bin/fake-docker"

stub_calls() { cat "$WORK/stub.log" 2>/dev/null || true; }
reset_stub() { rm -f "$WORK/stub.log"; }

# --- sourcing -------------------------------------------------------------------

run_sh 'source "'"$COMMON"'/functions"; source "'"$COMMON"'/functions"; source "'"$COMMON"'/property-functions"; echo ok'
check "source twice under set -eo pipefail" "0|ok|" "$RC|$OUT|$ERR"

run_sh 'type -t fn-plugin-property-get'
check "functions also brings in property-functions" "function" "$OUT"

# --- log family -----------------------------------------------------------------

run_sh 'dokku_log_info1 "hello" world'
check "info1" "-----> hello world" "$OUT"
run_sh 'dokku_log_info2 hi'
check "info2" "=====> hi" "$OUT"
run_sh 'dokku_log_verbose hi'
check "verbose" "       hi" "$OUT"
run_sh 'dokku_log_exclaim hi'
check "exclaim on stdout" " !     hi|" "$OUT|$ERR"
run_sh 'dokku_log_warn hi'
check "warn on stderr" "| !     hi" "$OUT|$ERR"
run_sh 'dokku_log_stderr raw "two words"'
check "stderr raw" "|raw two words" "$OUT|$ERR"
run_sh 'dokku_log_quiet "-n"'
check "log_quiet prints option-looking text" "-n" "$OUT"
run_sh 'dokku_log_fail boom; echo unreachable'
check "fail default exit 1" "1|| !     boom" "$RC|$OUT|$ERR"
run_sh 'DOKKU_FAIL_EXIT_CODE=20 dokku_log_fail gone'
check "fail honours DOKKU_FAIL_EXIT_CODE" "20| !     gone" "$RC|$ERR"
run_sh 'dokku_log_exit bye; echo unreachable'
check "exit is success, stderr" "0||bye" "$RC|$OUT|$ERR"
run_sh 'dokku_col_log_info1 a b c d'
check "col info1" "$(printf '%-6s %-18s %-25s %-25s %-25s' '----->' a b c d)" "$OUT"
run_sh 'dokku_col_log_info2 a'
check "col info2" "$(printf '%-6s %-18s %-25s %-25s %-25s' '=====>' a '' '' '')" "$OUT"
run_sh 'dokku_col_log_msg a b'
check "col msg" "$(printf '%-25s %-25s %-25s %-25s' a b '' '')" "$OUT"

run_sh 'export DOKKU_QUIET_OUTPUT=1
dokku_log_info1_quiet a; dokku_log_info2_quiet a; dokku_log_verbose_quiet a
dokku_log_exclaim_quiet a; dokku_log_warn_quiet a; dokku_log_quiet a
dokku_col_log_info1_quiet a; dokku_col_log_info2_quiet a; dokku_col_log_msg_quiet a
dokku_log_info1 loud; echo done'
check "quiet variants are silent and succeed" "0|-----> loud
done|" "$RC|$OUT|$ERR"
run_sh 'DOKKU_QUIET_OUTPUT=1 dokku_log_fail_quiet hidden'
check "fail_quiet exits without message when quiet" "1|" "$RC|$ERR"
run_sh 'dokku_log_fail_quiet shown'
check "fail_quiet prints when not quiet" "1| !     shown" "$RC|$ERR"
run_sh 'DOKKU_QUIET_OUTPUT=1 dokku_log_exit_quiet hidden; echo no'
check "exit_quiet when quiet" "0||" "$RC|$OUT|$ERR"
run_sh 'dokku_log_info1_quiet a; dokku_log_verbose_quiet b; dokku_log_warn_quiet c'
check "quiet variants print when not quiet" "-----> a
       b| !     c" "$OUT|$ERR"

# --- parse_args -------------------------------------------------------------------

run_sh 'parse_args --quiet --app myapp apps:destroy x --force --trace --label=a
echo "$DOKKU_QUIET_OUTPUT|$DOKKU_APP_NAME|$DOKKU_APPS_FORCE_DELETE|$DOKKU_TRACE|$DOKKU_GLOBAL_FLAGS"
bash -c '"'"'echo "$DOKKU_GLOBAL_FLAGS"'"'"''
check "parse_args exports" "1|myapp|1|1|--quiet --app --force --trace --label=a
--quiet --app --force --trace --label=a" "$OUT"
run_sh 'parse_args --app --quiet config:show; echo "[${DOKKU_QUIET_OUTPUT:-}|$DOKKU_APP_NAME|$DOKKU_GLOBAL_FLAGS]"'
check "parse_args --app value is never a flag" "[|--quiet|--app]" "$OUT"
run_sh 'export DOKKU_GLOBAL_FLAGS="--outer"; parse_args --quiet; echo "$DOKKU_GLOBAL_FLAGS"'
check "parse_args keeps outer DOKKU_GLOBAL_FLAGS" "--outer" "$OUT"
run_sh 'parse_args apps:list; echo "[$DOKKU_GLOBAL_FLAGS|${DOKKU_QUIET_OUTPUT:-unset}]"'
check "parse_args without flags" "[|unset]" "$OUT"
run_sh 'parse_args --app; echo "[$DOKKU_APP_NAME]"'
check "parse_args trailing --app" "[]" "$OUT"

# --- has_tty / suppress_output ----------------------------------------------------

run_sh 'if has_tty; then echo yes; else echo no; fi'
check "has_tty without a terminal" "no" "$OUT"
run_sh 'if DOKKU_FORCE_TTY=true has_tty; then echo yes; else echo no; fi'
check "has_tty DOKKU_FORCE_TTY" "yes" "$OUT"
run_sh 'if DOKKU_FORCE_TTY=true DOKKU_DISABLE_TTY=true has_tty; then echo yes; else echo no; fi'
check "has_tty force wins over disable" "yes" "$OUT"
run_sh 'if DOKKU_DISABLE_TTY=true has_tty; then echo yes; else echo no; fi'
check "has_tty DOKKU_DISABLE_TTY" "no" "$OUT"
if command -v script >/dev/null 2>&1; then
  tty_out="$(script -qec "env -u DOKKU_DISABLE_TTY bash -c 'source \"$COMMON/functions\"; if DOKKU_DISABLE_TTY=false has_tty; then echo yes; else echo no; fi'" /dev/null </dev/null 2>/dev/null | tr -d '\r' || true)"
  check "has_tty with a terminal" "yes" "$tty_out"
fi

run_sh 'suppress_output bash -c "echo out; echo err >&2"; echo after'
check "suppress_output hides success" "0|after|" "$RC|$OUT|$ERR"
run_sh 'suppress_output bash -c "echo out; echo err >&2; exit 3" || echo "rc=$?"'
check "suppress_output replays failure" "out
err
rc=3" "$OUT"
run_sh 'DOKKU_PID=4242 suppress_output true; ls /tmp | grep -c "^dokku-4242-suppress_output" || true'
check "suppress_output removes its capture" "0" "$OUT"
# Issue #9: the shell running suppress_output is killed while the command runs.
rm -f /tmp/dokku-4243-suppress_output.*
# (The group's redirection keeps bash's "Killed" job notice out of the report.)
{ run_sh 'DOKKU_PID=4243 suppress_output bash -c "kill -KILL \$PPID; sleep 5"'; } 2>/dev/null
check "suppress_output leaves no capture when killed" "137|0" \
  "$RC|$(find /tmp -maxdepth 1 -name 'dokku-4243-suppress_output.*' | wc -l)"
rm -f /tmp/dokku-4243-suppress_output.*
run_sh 'suppress_output bash -c "seq 1 5000; echo done >&2; exit 4" | sed -n "1p;\$p"'
check "suppress_output replays all of a long output" "1
done" "$OUT"

# --- small helpers ----------------------------------------------------------------

run_sh 'is_number 42 && echo a; is_number 4a || echo b; is_number "" || echo c; is_number -1 || echo d'
check "is_number" "a b c d" "$(words "$OUT")"
run_sh 'is_abs_path /x && echo a; is_abs_path x/y || echo b'
check "is_abs_path" "a b" "$(words "$OUT")"
run_sh 'get_ipv4_regex'
check "ipv4 regex text" '([0-9]{1,3}[\.]){3}[0-9]{1,3}$' "$OUT"
run_sh 're="$(get_ipv6_regex)"
for a in ::1 2001:db8::1 fe80::1:2:3:4 1:2:3:4:5:6:7:8 ::ffff:10.0.0.1 ; do [[ "$a" =~ ^($re) ]] && echo "y" || echo "n $a"; done
for a in 10.0.0.1 hello ; do [[ "$a" =~ ^($re) ]] && echo "y $a" || echo n; done'
check "ipv6 regex matches" "y y y y y n n" "$(words "$OUT")"
run_sh 'strip_inline_comments "KEY=value # note"; strip_inline_comments "a#b"; strip_inline_comments "a # b # c"'
check "strip_inline_comments" "KEY=value
a#b
a # b" "$OUT"
run_sh 'is_val_in_list b "a,b,c"; is_val_in_list x "a,b"; is_val_in_list b "a b" " "; is_val_in_list "*" "a,*"'
check "is_val_in_list" "true false true true" "$(words "$OUT")"
run_sh 'fn-in-array b a b c && echo y; fn-in-array z a b || echo n; fn-in-array z || echo e'
check "fn-in-array" "y n e" "$(words "$OUT")"
run_sh 'remove_val_from_list b "a,b,c"; remove_val_from_list a "a,b"; remove_val_from_list c "a,b,c"; remove_val_from_list x "a b x" " "'
check "remove_val_from_list" "a,c|b|a,b|a b" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')"
run_sh 'add_val_to_list c "a,b"; add_val_to_list a ""; add_val_to_list z "x y" " "'
check "add_val_to_list" "a,b,c|,a|x y z" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')"
run_sh 'merge_dedupe_list "b,a,b,,c, a"; merge_dedupe_list "x y x" " "; merge_dedupe_list ""'
check "merge_dedupe_list" "a b c|x y" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')"

mkdir -p "$WORK/plugins/enabled/20_events" "$WORK/plugins/enabled/nginx-vhosts"
touch "$WORK/plugins/enabled/20_events/post-deploy" "$WORK/plugins/enabled/20_events/pre-deploy"
touch "$WORK/plugins/enabled/nginx-vhosts/post-deploy"
run_sh 'export PLUGIN_PATH="'"$WORK"'/plugins"
fn-plugn-trigger-exists post-deploy && echo y; fn-plugn-trigger-exists pre-deploy || echo n; fn-plugn-trigger-exists nope || echo n'
check "fn-plugn-trigger-exists ignores 20_events" "y n n" "$(words "$OUT")"

mkdir -p "$WORK/lib"
run_sh 'DOKKU_LIB_ROOT="'"$WORK"'/lib" dokku_version'
check "dokku_version without a file" "1| !     Unable to determine dokku's version" "$RC|$ERR"
echo "0.1.0" >"$WORK/lib/VERSION"
run_sh 'DOKKU_LIB_ROOT="'"$WORK"'/lib" dokku_version'
check "dokku_version from VERSION" "dokku version 0.1.0" "$OUT"
echo "0.2.0" >"$WORK/lib/STABLE_VERSION"
run_sh 'DOKKU_LIB_ROOT="'"$WORK"'/lib" dokku_version'
check "dokku_version prefers STABLE_VERSION" "dokku version 0.2.0" "$OUT"
run_sh 'DOKKU_LIB_PATH="'"$WORK"'/lib" dokku_version'
check "dokku_version falls back to DOKKU_LIB_PATH" "dokku version 0.2.0" "$OUT"

# --- helpers backed by `dokku __core` -----------------------------------------------

# expect_calls NAME SCRIPT EXPECTED_STUB_LOG
expect_calls() {
  reset_stub
  run_sh "$2"
  check "$1" "$3" "$(stub_calls)"
}

expect_calls "is_valid_app_name" 'is_valid_app_name my-app' "dokku __core is-valid-app-name my-app"
expect_calls "is_valid_app_name without app" 'is_valid_app_name' "dokku __core is-valid-app-name ''"
expect_calls "is_valid_app_name_old" 'is_valid_app_name_old my_app' "dokku __core is-valid-app-name --old my_app"
expect_calls "verify_app_name" 'verify_app_name app' "dokku __core verify-app-name app"
expect_calls "dokku_apps" 'dokku_apps; dokku_apps false' "dokku __core apps-list
dokku __core apps-list false"
expect_calls "get_app_image_repo" 'get_app_image_repo app' "dokku __core image-repo app"
expect_calls "get_app_image_name" 'get_app_image_name app "" repo' "dokku __core image-name app '' repo"
expect_calls "get_running_image_tag" 'get_running_image_tag app v1' "dokku __core running-image-tag app v1"
expect_calls "get_deploying_app_image_name" 'get_deploying_app_image_name app' "dokku __core deploying-image-name app"
expect_calls "copy_from_image uses caller APP" 'APP=web; copy_from_image img:1 Procfile /tmp/x' "dokku __core copy-from-image web img:1 Procfile /tmp/x"
expect_calls "copy_dir_from_image uses caller APP" 'APP=web copy_dir_from_image img:1 .dokku /tmp/d' "dokku __core copy-dir-from-image web img:1 .dokku /tmp/d"
expect_calls "config_set" 'config_set --no-restart app "A=b c"' "dokku __core config set --no-restart app A=b\\ c"
expect_calls "config_unset" 'config_unset app A B' "dokku __core config unset app A B"
expect_calls "config_get" 'config_get --global A' "dokku __core config get --global A"
expect_calls "config_keys" 'config_keys --merged app' "dokku __core config keys --merged app"
expect_calls "config_clear" 'config_clear app' "dokku __core config clear app"
expect_calls "config_bundle" 'config_bundle --merged app' "dokku __core config bundle --merged app"
expect_calls "config_export app" 'config_export app web --format docker-args-keys --merged' "dokku __core config export --format docker-args-keys --merged web"
expect_calls "config_export global" 'config_export global --format shell' "dokku __core config export --format shell --global"
expect_calls "config_export app plain" 'config_export app web' "dokku __core config export web"
expect_calls "fn-config-set no restart" 'fn-config-set web true A=1 B=2' "dokku __core config set --no-restart web A=1 B=2"
expect_calls "fn-config-set restart" 'fn-config-set web false A=1' "dokku __core config set web A=1"

reset_stub
run_sh 'verify_app_name missing; echo unreachable'
check "verify_app_name failure stops the plugin with 20" "20|| !     App missing does not exist" "$RC|$OUT|$ERR"
run_sh 'if is_valid_app_name Bad_Name; then echo ok; else echo "invalid $?"; fi'
check "is_valid_app_name usable as a test" "invalid 1" "$OUT"

expect_calls "prop write" 'fn-plugin-property-write ps app restore false' "dokku __core prop set ps app restore false"
expect_calls "prop get" 'fn-plugin-property-get ps app restore' "dokku __core prop get-with-default ps app restore ''"
expect_calls "prop get-default" 'fn-plugin-property-get-default ps app restore true' "dokku __core prop get-with-default ps app restore true"
expect_calls "prop delete" 'fn-plugin-property-delete ps --global restore' "dokku __core prop del ps --global restore"
expect_calls "prop exists" 'fn-plugin-property-exists ps app k' "dokku __core prop exists ps app k"
expect_calls "prop get-all" 'fn-plugin-property-get-all ps app' "dokku __core prop get-all ps app"
expect_calls "prop get-all-by-prefix" 'fn-plugin-property-get-all-by-prefix ps app pre' "dokku __core prop get-all-by-prefix ps app pre"
expect_calls "prop clone" 'fn-plugin-property-clone ps old new' "dokku __core prop clone ps old new"
expect_calls "prop destroy" 'fn-plugin-property-destroy ps app' "dokku __core prop destroy ps app"
expect_calls "prop setup" 'fn-plugin-property-setup ps' "dokku __core prop setup ps"
expect_calls "prop list-add" 'fn-plugin-property-list-add ps app l v' "dokku __core prop rpush ps app l v ''"
expect_calls "prop list-add index" 'fn-plugin-property-list-add ps app l v 2' "dokku __core prop rpush ps app l v 2"
expect_calls "prop list-get" 'fn-plugin-property-list-get ps app l' "dokku __core prop lrange ps app l"
expect_calls "prop list-get-by-index" 'fn-plugin-property-list-get-by-index ps app l 0' "dokku __core prop lindex ps app l 0"
expect_calls "prop list-get-by-value" 'fn-plugin-property-list-get-by-value ps app l v' "dokku __core prop lismember ps app l v"
expect_calls "prop list-length" 'fn-plugin-property-list-length ps app l' "dokku __core prop llen ps app l"
expect_calls "prop list-remove" 'fn-plugin-property-list-remove ps app l v' "dokku __core prop lrem ps app l v"
expect_calls "prop list-remove-by-prefix" 'fn-plugin-property-list-remove-by-prefix ps app l p' "dokku __core prop lrem-by-prefix ps app l p"
expect_calls "prop list-set" 'fn-plugin-property-list-set ps app l v 1' "dokku __core prop lset ps app l v 1"
expect_calls "prop list-write" 'fn-plugin-property-list-write ps app l "a b" c' "dokku __core prop lwrite ps app l a\\ b c"

# --- the rest of common/functions (issue 12) ------------------------------------------

run_sh 'fn-is-valid-app-name; echo unreachable'
check "fn-is-valid-app-name without app stops the plugin" "1| !     Please specify an app to run the command on" "$RC|$ERR"
run_sh 'fn-is-valid-app-name-old ""; echo unreachable'
check "fn-is-valid-app-name-old without app stops the plugin" "1| !     Please specify an app to run the command on" "$RC|$ERR"
run_sh 'fn-is-valid-app-name Bad_Name && echo yes || echo "no $?"; fn-is-valid-app-name good && echo yes'
check "fn-is-valid-app-name answers quietly" "0|no 1 yes|" "$RC|$(words "$OUT")|$ERR"
expect_calls "fn-is-valid-app-name calls the core" 'fn-is-valid-app-name good; fn-is-valid-app-name-old old_name' "dokku __core is-valid-app-name good
dokku __core is-valid-app-name --old old_name"
expect_calls "fn-docker-args-split" 'fn-docker-args-split "-v \"/a b:/c\" --rm"' "dokku __core docker-args-split -v\\ \\\"/a\\ b:/c\\\"\\ --rm"
expect_calls "fn-verify-app-image" 'fn-verify-app-image web dokku/web:2 || true' "dokku __core verify-app-image web dokku/web:2"
expect_calls "fn-registry-docker-config-dir" 'fn-registry-docker-config-dir web' "dokku __core registry-docker-config-dir web"
expect_calls "get_image_builder_type" 'get_image_builder_type dokku/web:1 web' "dokku __core image-builder-type dokku/web:1 web"
expect_calls "get_image_builder_type without image" 'get_image_builder_type' "dokku __core image-builder-type '' ''"
run_sh 'is_image_cnb_based cnb:1 && echo a; is_image_cnb_based plain:1 || echo b; is_image_herokuish_based herokuish:1 web && echo c; is_image_herokuish_based plain:1 || echo d'
check "is_image_cnb_based / is_image_herokuish_based read the core's answer" "a b c d" "$(words "$OUT")"
run_sh 'is_deployed web && echo yes; is_deployed other || echo no; is_deployed || echo none'
check "is_deployed" "yes no none" "$(words "$OUT")"
expect_calls "is_deployed calls the core" 'is_deployed web' "dokku __core is-deployed web"

export DOCKER_BIN="$WORK/bin/fake-docker"
run_sh 'is_container_status c1 Running && echo a; is_container_status c2 Running || echo b; is_container_status c2 Paused && echo c; is_container_status c1 "Running}}{{.Id" || echo d'
check "is_container_status" "a b c d" "$(words "$OUT")"
run_sh 'get_app_running_container_ids web'
check "get_app_running_container_ids keeps the running ones" "0|c1 c3" "$RC|$OUT"
run_sh 'get_app_running_container_ids other; echo unreachable'
check "get_app_running_container_ids of an app not deployed" "1| !     App other has not been deployed" "$RC|$ERR"
run_sh 'get_app_running_container_types web'
check "get_app_running_container_types" "0|web worker" "$RC|$OUT"
run_sh 'get_app_running_container_types other'
check "get_app_running_container_types of an app not deployed" "1| !     App other has not been deployed" "$RC|$ERR"
expect_calls "get_app_container_ids passes the type" 'get_app_container_ids web web.1' "dokku __core app-container-ids web web.1"
run_sh 'get_container_ports web'
check "get_container_ports: host port -> container port, once each" "49153->5000/tcp
49160->53/udp" "$OUT"
run_sh 'fn-force-arm64-image amd:1 && echo emulate || echo native; fn-force-arm64-image arm:1 || echo arm; fn-force-arm64-image missing:1 || echo missing'
host_arch="$(dpkg --print-architecture 2>/dev/null || uname -m)"
if [[ "$host_arch" == "amd64" || "$host_arch" == "x86_64" ]]; then
  check "fn-force-arm64-image on an amd64 host" "native arm missing" "$(words "$OUT")"
else
  check "fn-force-arm64-image on a non-amd64 host" "emulate arm missing" "$(words "$OUT")"
fi
run_sh 'get_docker_version'
check "get_docker_version" "27.3.1" "$OUT"
run_sh 'fn-is-compose-installed && echo yes || echo no; DOKKU_STUB_COMPOSE=1 fn-is-compose-installed && echo yes'
check "fn-is-compose-installed" "no yes" "$(words "$OUT")"
unset DOCKER_BIN

printf 'FROM alpine\nEXPOSE 3000\nENV A=b\nEXPOSE 4000/udp\nEXPOSED 1\n' >"$WORK/Dockerfile"
run_sh 'extract_directive_from_dockerfile "'"$WORK"'/Dockerfile" EXPOSE; extract_directive_from_dockerfile "'"$WORK"'/Dockerfile" CMD; extract_directive_from_dockerfile "'"$WORK"'/missing" FROM; echo end'
check "extract_directive_from_dockerfile: the last matching line" "EXPOSE 4000/udp||
end" "$(head -1 <<<"$OUT")|$(sed -n 2p <<<"$OUT")|$(tail -n +3 <<<"$OUT")"
if command -v jq >/dev/null 2>&1; then
  run_sh 'echo "{\"a\":{\"b\":\"x y\"},\"n\":null,\"top\":3}" | get_json_value .a.b; echo "{\"n\":null}" | get_json_value .n; echo "{\"top\":3}" | get_json_value top 2>/dev/null || echo bad-filter'
  check "get_json_value" "x y|bad-filter" "$(tr '\n' '|' <<<"$OUT" | sed 's/|$//')"
fi
run_sh 'printf "%s\n" "$(_ipv4_regex)" "$(get_ipv4_regex)"'
check "_ipv4_regex is unanchored, get_ipv4_regex anchored" '([0-9]{1,3}[\.]){3}[0-9]{1,3}
([0-9]{1,3}[\.]){3}[0-9]{1,3}$' "$OUT"
run_sh 're="$(_ipv6_regex)"; [[ "2001:db8::1" =~ ^($re)$ ]] && echo y; [[ "$(get_ipv6_regex)" == "$re\$" ]] && echo anchored'
check "_ipv6_regex" "y anchored" "$(words "$OUT")"

expect_calls "docker_cleanup app" 'docker_cleanup web true' "dokku __core docker-cleanup web"
expect_calls "docker_cleanup global" 'docker_cleanup' "dokku __core docker-cleanup --global"
expect_calls "dokku_build" 'dokku_build web dockerfile /tmp/src' "dokku __core deploy build web dockerfile /tmp/src"
run_sh 'dokku_build broken dockerfile /tmp/src; echo unreachable'
check "dokku_build failure stops the plugin" "1| !     App build failed" "$RC|$ERR"
expect_calls "dokku_release" 'dokku_release web herokuish 3' "dokku __core deploy release web herokuish 3"
expect_calls "cmd-deploy verifies the app" 'cmd-deploy web 3 worker' "dokku __core verify-app-name web
dokku __core deploy deploy web 3 worker"
expect_calls "dokku_receive" 'dokku_receive web pack /tmp/src' "dokku __core deploy receive web pack /tmp/src"

mkdir -p "$WORK/lib"
reset_stub
# wait_for FILE LINES: the output of a captured shell reaches its files through tee,
# which may still be writing when the shell has exited; wait (5s at most) for it.
wait_for() { local i; for i in $(seq 50); do [[ "$(grep -c . "$1" 2>/dev/null)" -ge "$2" ]] && return 0; sleep 0.1; done; }
run_sh 'export DOKKU_LIB_ROOT="'"$WORK"'/lib" DOKKU_PID=77; release_and_deploy web 5; echo "rc=$? id=$DOKKU_BUILD_ID"'
wait_for "$WORK/out" 1
OUT="$(cat "$WORK/out")"
check "release_and_deploy runs the core step and records the build" "0|rc=0 id=1700000000000-77" "$RC|$(tail -1 <<<"$OUT")"
check "release_and_deploy calls" "dokku __core is-valid-app-name --old web
plugn trigger builds-generate-id
dokku __core build-id
plugn trigger builds-record-start web 1700000000000-77 PID deploy
dokku __core deploy release-and-deploy web 5
plugn trigger builds-record-finalize web 1700000000000-77 0" "$(stub_calls | sed -E 's/(builds-record-start web [^ ]+) [0-9]+ /\1 PID /')"
wait_for "$WORK/lib/data/builds/web/1700000000000-77.log" 1
check "release_and_deploy's output is in the build log" "1" "$(grep -c . "$WORK/lib/data/builds/web/1700000000000-77.log" 2>/dev/null || echo 0)"
run_sh 'export DOKKU_LIB_ROOT="'"$WORK"'/lib"; dokku_setup_build_capture ../etc; echo unreachable'
check "dokku_setup_build_capture refuses a name that is not one" "1| !     Invalid app name: ../etc" "$RC|$ERR"
run_sh 'export DOKKU_LIB_ROOT="'"$WORK"'/lib" DOKKU_BUILD_ID=b1; dokku_setup_build_capture web git; echo out; echo err >&2; dokku_setup_build_capture web again; echo "$DOKKU_BUILD_SOURCE"'
wait_for "$WORK/lib/data/builds/web/b1.log" 3
wait_for "$WORK/out" 2
OUT="$(cat "$WORK/out")" ERR="$(cat "$WORK/err")"
check "dokku_setup_build_capture keeps streams apart and captures once" "out
git|err" "$OUT|$ERR"
check "dokku_setup_build_capture writes the log" "err git out" "$(sort "$WORK/lib/data/builds/web/b1.log" | tr '\n' ' ' | sed 's/ $//')"

reset_stub
run_sh 'DOKKU_BUILD_ID=b2 acquire_app_deploy_lock web exclusive; echo "$$"'
check "acquire_app_deploy_lock names this shell" "dokku __core deploy-lock acquire web $OUT exclusive" "$(stub_calls)"
run_sh 'DOKKU_BUILD_ID=b2 acquire_app_deploy_lock busy; echo unreachable'
check "acquire_app_deploy_lock failure stops a set -e plugin" "1| !     Run 'apps:unlock' to release the existing deploy lock" "$RC|$ERR"
reset_stub
run_sh 'DOKKU_BUILD_ID=b3 release_app_deploy_lock web 4'
check "release_app_deploy_lock records the build and releases" "plugn trigger builds-record-finalize web b3 4
dokku __core deploy-lock release web PID" "$(stub_calls | sed -E 's/(deploy-lock release web) [0-9]+/\1 PID/')"
# The pid given is the plugin's shell ($$), the same for acquire and release.
reset_stub
run_sh 'DOKKU_BUILD_ID=b4 acquire_app_deploy_lock web; (release_app_deploy_lock web); echo "$$"'
check "acquire and release name the same shell" "2|1" "$(stub_calls | grep -c "deploy-lock .* web $OUT")|$(stub_calls | grep -c "deploy-lock acquire web $OUT waiting")"

lock="$WORK/advisory.lock"
run_sh 'echo "$$"; acquire_advisory_lock "'"$lock"'" waiting "wait" "fail"; cat "'"$lock"'"; flock -n "'"$lock"'" true || echo held-by-us; release_advisory_lock "'"$lock"'"; [[ -e "'"$lock"'" ]] || echo removed'
check "advisory lock: held (recording its holder), released and removed" "0|$(head -1 <<<"$OUT") held-by-us removed" "$RC|$(tail -n +2 <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
# Another process holds it: exclusive fails at once with Dokku's messages.
flock "$lock" sleep 30 &
holder=$!
for _ in $(seq 50); do flock -n "$lock" true || break; sleep 0.1; done
run_sh 'acquire_advisory_lock "'"$lock"'" exclusive "wait" "app is locked"; echo unreachable'
check "advisory lock held elsewhere: exclusive fails" "1| !     app is locked
 !     Run 'apps:unlock' to release the existing deploy lock" "$RC|$ERR"
# waiting: says so once, then gets it when the holder ends.
( sleep 1; kill "$holder" 2>/dev/null ) &
run_sh 'acquire_advisory_lock "'"$lock"'" waiting "waiting for it" "x"; echo got; release_advisory_lock "'"$lock"'"'
check "advisory lock held elsewhere: waiting waits" "0|waiting for it
got" "$RC|$OUT"
wait 2>/dev/null || true

mkdir -p "$WORK/auth/enabled/20_events" "$WORK/auth/enabled/acl"
touch "$WORK/auth/enabled/20_events/user-auth"
reset_stub
run_sh 'export PLUGIN_PATH="'"$WORK"'/auth"; USER=deploy NAME=alice dokku_auth apps:list && echo "ok $SSH_USER $SSH_NAME $DOKKU_COMMAND"'
check "dokku_auth without an auth plugin" "ok deploy alice apps:list|" "$OUT|$(stub_calls)"
touch "$WORK/auth/enabled/acl/user-auth"
reset_stub
run_sh 'export PLUGIN_PATH="'"$WORK"'/auth"; USER=deploy NAME=alice dokku_auth apps:list x && echo ok; dokku_auth refused || echo "refused $?"'
check "dokku_auth asks user-auth" "ok refused 1" "$(words "$OUT")"
check "dokku_auth trigger arguments" "plugn trigger user-auth deploy alice apps:list x" "$(stub_calls | head -1)"

printf '%s\n' "--global:OLD_G=gval" "one:OLD=v1" >"$WORK/config"
reset_stub
run_sh 'export DOKKU_STUB_CONFIG="'"$WORK"'/config"; fn-migrate-config-to-property myplug key OLD OLD_G'
check "fn-migrate-config-to-property messages" "-----> Migrating deprecated global OLD_G to myplug key property.
-----> Migrating deprecated OLD to myplug key property for one." "$OUT"
check "fn-migrate-config-to-property moves the values" "dokku __core prop set myplug --global key gval
dokku __core config unset --global OLD_G
dokku __core prop set myplug one key v1
dokku __core config unset --no-restart one OLD" "$(stub_calls | grep -E 'prop set|config unset')"

# --- the function files other plugins source (issue 12) ----------------------------------

run_src ps/functions 'fn-ps-app-status web; fn-ps-is-app-running web'
check "ps: app status from the app's scheduler" "3 mixed
mixed" "$OUT"
expect_calls_src() { reset_stub; run_src "$1" "$2"; check "$3" "$4" "$(stub_calls)"; }
expect_calls_src ps/functions 'ps_restore web' "ps_restore starts the app" "dokku ps:start web"
run_src checks/functions 'is_app_proctype_checks_disabled web web; is_app_proctype_checks_skipped web worker'
check "checks: the core's answer" "true false" "$(words "$OUT")"
expect_calls_src checks/functions 'is_app_proctype_checks_skipped web worker' "checks: skipped asks the core" "dokku __core checks-status web worker skipped"

mkdir -p "$WORK/proxylib/config/caddy/web"
printf '%s\n' "# a comment" "caddy.tls=internal" "" "caddy.x=a=b" "caddy.tls.more=1" >"$WORK/proxylib/config/caddy/web/labels"
run_src proxy/functions 'export DOKKU_LIB_ROOT="'"$WORK"'/proxylib"; fn-proxy-display-labels caddy web; fn-proxy-show-label caddy web caddy.x; fn-proxy-show-label caddy web caddy.tls; fn-proxy-display-labels caddy other'
check "proxy labels" "=====> web caddy labels
       caddy.tls=internal
       caddy.x=a=b
       caddy.tls.more=1
a=b
internal| !     No caddy labels set for other" "$OUT|$ERR"
run_src proxy/functions 'fn-proxy-escape-extended-sed "a.b/c(d)*[e]|f\\g"'
check "fn-proxy-escape-extended-sed" 'a\.b\/c\(d\)\*\[e\]\|f\\g' "$OUT"
run_src proxy/functions 'fn-proxy-get-labels-file-path traefik web'
check "fn-proxy-get-labels-file-path" "/var/lib/dokku/config/traefik/web/labels" "$OUT"

mkdir -p "$WORK/src/a" "$WORK/src/b"
touch "$WORK/src/a/.buildpacks"
printf 'BUILDPACK_URL=https://x\n' >"$WORK/src/a/.env"
printf 'OTHER=1\n' >"$WORK/src/b/.env"
printf '%s\n' "bp:BUILDPACK_URL=https://y" >"$WORK/config"
run_src builder-herokuish/functions 'export DOKKU_STUB_CONFIG="'"$WORK"'/config"
fn-has-buildpacks-file "'"$WORK"'/src/a" && echo a; fn-has-buildpacks-file "'"$WORK"'/src/b" || echo b
fn-has-buildpack-dotenv "'"$WORK"'/src/a" && echo c; fn-has-buildpack-dotenv "'"$WORK"'/src/b" || echo d
fn-has-buildpack-env bp && echo e; fn-has-buildpack-env other || echo f'
check "builder-herokuish buildpack detection" "a b c d e f" "$(words "$OUT")"

mkdir -p "$WORK/home/.ssh"
run_src ssh-keys/functions 'export DOKKU_ROOT="'"$WORK"'/home"; verify_ssh_key_exists || true; echo unreachable'
check "verify_ssh_key_exists without a file" "1| !     No public keys found." "$RC|$ERR"
run_src ssh-keys/functions 'export DOKKU_ROOT="'"$WORK"'/home"; create_ssh_key_file; verify_ssh_key_exists && echo present'
check "create_ssh_key_file" "0|present" "$RC|$OUT"
expect_calls_src ssh-keys/functions 'verify_ssh_key_file' "verify_ssh_key_file asks the core" "dokku __core ssh-keys-verify"

run_src docker-options/functions 'get_phases build,run; get_phases ""; get_phases build,nope; echo unreachable'
check "docker-options get_phases" "1|build run| !     Phase(s) must be one of [build deploy run]" "$RC|$OUT|$ERR"
run_src docker-options/functions 'APP=web DOKKU_LIB_ROOT=/lib get_phase_file_path deploy; APP= get_phase_file_path deploy'
check "docker-options phase file path" "1|/lib/config/docker-options/web/_default_.deploy| !     Error: phase_file_path is incomplete." "$RC|$OUT|$ERR"
mkdir -p "$WORK/dolib/config/docker-options/web"
printf '%s\n' "--restart=always" "-v /a:/b" >"$WORK/dolib/config/docker-options/web/_default_.deploy"
run_src docker-options/functions 'export APP=web DOKKU_LIB_ROOT="'"$WORK"'/dolib"; display_all_phases_options; phases=(build deploy); display_passed_phases_options phases[@]'
check "docker-options display" "Deploy options:
    --restart=always
    -v /a:/b
Build options: none
Deploy options:
    --restart=always
    -v /a:/b" "$OUT"
expect_calls_src docker-options/functions 'APP=web; phases=(deploy run); add_passed_docker_option phases[@] -v "/a b:/c"; remove_passed_docker_option phases[@] --rm' "docker-options add/remove go through the commands" "dokku docker-options:add web deploy\\,run -v\\ /a\\ b:/c
dokku docker-options:remove web deploy\\,run --rm"

expect_calls_src nginx-vhosts/internal-functions 'fn-nginx-access-log-path web; fn-nginx-global-proxy-read-timeout web; fn-nginx-computed-hsts-max-age web' "nginx property getters: app, global, computed" "dokku __core nginx-property web access-log-path app
dokku __core nginx-property web proxy-read-timeout global
dokku __core nginx-property web hsts-max-age computed"
expect_calls_src nginx-vhosts/internal-functions 'fn-get-property --app web --computed x-forwarded-ssl; fn-get-property --global --app= send-timeout' "fn-get-property flags" "dokku __core nginx-property web x-forwarded-ssl computed
dokku __core nginx-property '' send-timeout global"
run_src nginx-vhosts/internal-functions 'for kind in computed global; do declare -F | awk "{print \$3}" | grep -c "^fn-nginx-$kind-"; done'
check "nginx property getters: a computed and a global one per nginx:set key (31)" "31 31" "$(words "$OUT")"
run_src nginx-vhosts/internal-functions 'fn-nginx-vhosts-nginx-location; echo unreachable'
check "fn-nginx-vhosts-nginx-location fails without the binary" "1| !     Could not find nginx binary in \$PATH or at '/nonexistent/nginx'." "$RC|$ERR"
run_src nginx-vhosts/internal-functions 'DOKKU_STUB_NGINX_BIN=/bin/sh fn-nginx-vhosts-nginx-location'
check "fn-nginx-vhosts-nginx-location" "0|/bin/sh" "$RC|$OUT"
expect_calls_src nginx-vhosts/internal-functions 'fn-nginx-vhosts-nginx-init-cmd reload; fn-nginx-vhosts-manage-hsts web true; nginx_clear_config web' "nginx init-cmd, hsts, clear" "dokku __core nginx-property '' nginx-service-command computed
dokku __core nginx-reload
dokku __core nginx-manage-hsts web true
dokku __core nginx-clear-config web"
run_src nginx-vhosts/functions 'is_http2_push_enabled 1.24.0; is_http2_directive_supported 1.22.1'
check "nginx http2 support questions" "true false" "$(words "$OUT")"
printf 'custom\n' >"$WORK/app.sigil"
run_src nginx-vhosts/functions 'DOKKU_STUB_TEMPLATE="'"$WORK"'/app.sigil" get_custom_nginx_template web "'"$WORK"'/copied"; cat "'"$WORK"'/copied"'
check "get_custom_nginx_template copies the app's template" "custom" "$OUT"
run_src nginx-vhosts/functions 'fn-nginx-vhosts-render-template web /t.sigil "'"$WORK"'/out.conf" 5000 10.0.0.2; cat "'"$WORK"'/out.conf"'
check "fn-nginx-vhosts-render-template writes what the core renders" "server { # web /t.sigil 5000 }" "$OUT"
echo keep >"$WORK/out.conf"
run_src nginx-vhosts/functions 'fn-nginx-vhosts-render-template bad /t.sigil "'"$WORK"'/out.conf" || echo "rc=$?"; cat "'"$WORK"'/out.conf"'
check "a failed render leaves the output as it was" "rc=1
keep" "$OUT"
expect_calls_src nginx-vhosts/functions 'nginx_logs nginx:access-logs web -t; nginx_logs error web' "nginx_logs" "dokku nginx:access-logs web -t
dokku nginx:error-logs web"
run_src nginx-vhosts/functions 'type -t fn-nginx-computed-access-log-path; type -t is_ssl_enabled; type -t config_all'
check "nginx-vhosts/functions brings internal-functions, certs and config" "function function function" "$(words "$OUT")"

expect_calls_src domains/functions 'fn-domains-clear web; fn-domains-enable web; disable_app_vhost web; domains_set_global a.test b.test; domains_clear_global' "domains functions" "dokku domains:clear web
dokku domains:enable web
dokku domains:disable web
dokku domains:set-global a.test b.test
dokku domains:clear-global"
expect_calls_src domains/functions 'fn-domains-disable --all' "domains --all runs for every app" "dokku __core apps-list
dokku domains:disable one
dokku domains:disable two"
expect_calls_src config/functions 'config_sub keys web; config_all config web; DOKKU_CONFIG_EXPORT=1 config_all web' "config_sub and config_all" "dokku __core config keys web
dokku config:show web
dokku __core config export web"

expect_calls_src git/functions 'git_build web abc; git_receive_app web; git_build_app_repo web abc; cmd-git-glob git-receive-pack "'"'"'web'"'"'"' "git functions" "dokku __core git build web abc
dokku __core git receive-app web ''
dokku __core verify-app-name web
dokku __core git build-app-repo web abc
dokku git-receive-pack \\'web\\'"

expect_calls_src builder-dockerfile/internal-functions 'fn-builder-dockerfile-get-ports-from-dockerfile /src/Dockerfile; fn-builder-dockerfile-get-detect-port-map web img:1 /src/Dockerfile; fn-builder-dockerfile-computed-dockerfile-path web' "builder-dockerfile internal functions" "dokku __core dockerfile-exposed-ports /src/Dockerfile
dokku __core ports-detect-map web img:1 /src/Dockerfile
dokku __core prop get-with-default builder-dockerfile web dockerfile-path ''
dokku __core prop get-with-default builder-dockerfile --global dockerfile-path ''"
run_src builder-dockerfile/internal-functions 'fn-builder-dockerfile-computed-dockerfile-path web'
check "computed dockerfile path defaults to Dockerfile" "Dockerfile" "$OUT"

# --- every function Dokku's files define is defined by ours -----------------------------

# scripts/data/dokku-function-names.txt lists, per file, the names Dokku 0.38 defines.
# One check per file: it fails naming every missing function (and every `pending`
# one that has since been written).
names_file="$REPO_ROOT/scripts/data/dokku-function-names.txt"
check_names_section() {
  local file="$1"
  shift
  local defined="" line name problems=""
  if [[ -f "$REPO_ROOT/plugins/$file" ]]; then
    defined="$(env -u DOKKU_TRACE PATH="$WORK/bin:$PATH" DOKKU_STUB_LOG="$WORK/stub.log" \
      PLUGIN_CORE_AVAILABLE_PATH="$REPO_ROOT/plugins" PLUGIN_AVAILABLE_PATH="$REPO_ROOT/plugins" \
      bash -c 'source "$1" >/dev/null 2>&1; declare -F' _ "$REPO_ROOT/plugins/$file" </dev/null | awk '{print $3}')"
  fi
  for line in "$@"; do
    name="${line#pending }"
    if grep -qxF -- "$name" <<<"$defined"; then
      [[ "$line" == pending\ * ]] && problems+=" $name(defined now: drop 'pending')"
    else
      [[ "$line" == pending\ * ]] || problems+=" $name"
    fi
  done
  if [[ -z "$problems" ]]; then
    pass
  else
    fail "plugins/$file lacks functions Dokku defines:$problems"
  fi
}
section="" names=()
sections=0
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  if [[ "$line" =~ ^\[(.+)\]$ ]]; then
    [[ -n "$section" ]] && check_names_section "$section" "${names[@]}"
    section="${BASH_REMATCH[1]}" names=()
    sections=$((sections + 1))
    continue
  fi
  names+=("$line")
done <"$names_file"
[[ -n "$section" ]] && check_names_section "$section" "${names[@]}"
check "the names file has its sections" "17" "$sections"

# --- hello-legacy example -------------------------------------------------------------

# run_hello [ENV=VALUE...] -- FILE ARGS...: run one of the example's executables
# the way the dispatcher would, with the stub dokku on PATH.
run_hello() {
  local -a envs=()
  while [[ "$1" != "--" ]]; do
    envs+=("$1")
    shift
  done
  shift
  local file="$1"
  shift
  RC=0
  env -u DOKKU_APP_NAME -u DOKKU_HELP_ALL PATH="$WORK/bin:$PATH" DOKKU_STUB_LOG="$WORK/stub.log" \
    PLUGIN_CORE_AVAILABLE_PATH="$REPO_ROOT/plugins" DOKKU_NOT_IMPLEMENTED_EXIT=10 \
    "${envs[@]}" "$HELLO/$file" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null || RC=$?
  OUT="$(cat "$WORK/out")"
  ERR="$(cat "$WORK/err")"
}

if [[ -d "$HELLO" ]]; then
  for f in commands subcommands/default subcommands/world install hello-trigger; do
    if [[ -x "$HELLO/$f" ]]; then pass; else fail "hello-legacy/$f is executable"; fi
  done

  run_hello -- subcommands/default hello myapp
  check "hello <app>" "0|Hello myapp" "$RC|$OUT"
  run_hello DOKKU_APP_NAME=other -- subcommands/default hello
  check "hello with --app" "0|Hello other" "$RC|$OUT"
  run_hello -- subcommands/default hello
  check "hello without app" "1| !     Please specify an app to run the command on" "$RC|$ERR"
  reset_stub
  run_hello -- subcommands/default hello Bad_Name
  check "hello validates the name through the core" "1|dokku __core is-valid-app-name Bad_Name" "$RC|$(stub_calls)"
  run_hello -- subcommands/world hello:world
  check "hello:world" "0|Hello world" "$RC|$OUT"
  run_hello -- commands hello:nope
  check "commands catch-all exits 10" "10|" "$RC|$OUT"
  run_hello -- commands help
  check "commands help summary" "    hello, Says hello" "$OUT"
  run_hello DOKKU_HELP_ALL=1 -- commands help
  check "commands help --all" '    hello <app>, Says "Hello <app>"
    hello:world, Says "Hello world"' "$OUT"
  run_hello -- commands hello:help
  check "hello:help" 'Usage: dokku hello[:COMMAND]

Says hello

Additional commands:
    hello <app>   Says "Hello <app>"
    hello:world   Says "Hello world"' "$OUT"
  # The --all detection also works from the parent's command line, as with
  # Dokku's own dispatcher: the wrapper below is the parent of `commands`.
  cat >"$WORK/help-parent" <<EOF
#!/usr/bin/env bash
"$HELLO/commands" help
true
EOF
  chmod +x "$WORK/help-parent"
  RC=0
  OUT="$(env -u DOKKU_HELP_ALL PLUGIN_CORE_AVAILABLE_PATH="$REPO_ROOT/plugins" DOKKU_NOT_IMPLEMENTED_EXIT=10 \
    "$WORK/help-parent" --all)" || RC=$?
  check "commands help with --all on the parent command line" '    hello <app>, Says "Hello <app>"
    hello:world, Says "Hello world"' "$OUT"
  run_hello -- install
  check "install trigger is a quiet no-op" "0||" "$RC|$OUT|$ERR"
  run_hello -- hello-trigger myapp
  check "hello-trigger" "0|-----> Hello myapp from the hello plugin's hello-trigger" "$RC|$OUT"
fi

printf '%s passed, %s failed\n' "$PASSED" "$FAILED"
[[ "$FAILED" -eq 0 ]]
