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
  "__core is-valid-app-name Bad_Name")
    echo " !     App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens" >&2
    exit 1
    ;;
esac
exit 0
STUB
chmod +x "$WORK/bin/dokku"

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
