#!/usr/bin/env bash
# The baseline for bench/dispatch.sh: plugn's trigger fan-out written as the bash
# loop plugn runs (glob over enabled plugins, config-export per plugin, run the hook,
# stop at the first failure). It reads [plugin.config] with bash builtins only, which
# is cheaper than plugn's real config-export, so the baseline flatters bash.
set -eo pipefail
shopt -s nullglob
trigger="$1"
shift
config_export() {
  local toml="$1/plugin.toml" line in_config=false
  [[ -f $toml ]] || return 0
  while IFS= read -r line; do
    case "$line" in
      "[plugin.config]") in_config=true ;;
      "["*) in_config=false ;;
      *=*) if [[ $in_config == true ]]; then
          local key="${line%%=*}"
          key="${key// /}"
          export "CONFIG_${key^^}=${line#*=}"
        fi ;;
    esac
  done <"$toml"
}
for plugin in "$PLUGIN_PATH"/enabled/*; do
  hook="$plugin/$trigger"
  [[ -f $hook ]] || continue
  if [[ -x $hook ]]; then
    config_export "$plugin"
    "$hook" "$@"
  else
    echo "Trigger '$trigger' is not executable, skipping plugin (${plugin##*/})" >&2
  fi
done
