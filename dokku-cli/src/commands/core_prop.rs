//! `dokku __core prop <op> PLUGIN APP ...`: the property store for bash plugins, with
//! the op names of Dokku's `common/prop` binary.
//!
//! Output follows `prop`: values without a trailing newline for `get`, one line per
//! entry for lists, `KEY VALUE` lines for `get-all`; `exists` and `lismember` answer
//! with their exit code.

use dokku_core::property::{PropertyError, PropertyStore};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;

/// Runs one property op; `args[0]` is the op.
pub(crate) fn run(ctx: &Context, args: &[String]) -> CmdResult {
    let store = PropertyStore::new(&ctx.layout.lib_root);
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let (op, plugin, app, key) = (arg(0), arg(1), arg(2), arg(3));
    let index = |i: usize| -> Result<usize, CommandError> {
        let text = arg(i);
        if text.is_empty() {
            return Ok(0);
        }
        text.parse()
            .map_err(|_| CommandError::fail(format!("Invalid index specified: '{text}'")))
    };
    let done = match op {
        "set" => store.write(plugin, app, key, arg(4)),
        "get" | "get-with-default" => {
            let value = store.get_or(plugin, app, key, arg(4)).map_err(prop_err)?;
            output::write(dokku_core::log::Stream::Stdout, &value);
            Ok(())
        }
        "del" => store.delete(plugin, app, key),
        "exists" => return Ok(if store.exists(plugin, app, key).map_err(prop_err)? { 0 } else { 1 }),
        "get-all" => print_pairs(store.get_all(plugin, app)),
        "get-all-by-prefix" => print_pairs(store.get_all_by_prefix(plugin, app, key)),
        "clone" => store.clone_app(plugin, app, key),
        "destroy" => store.destroy(plugin, app),
        "setup" => store.setup(plugin),
        "setup-app" => store.setup_app(plugin, app),
        "rpush" => store.list_add(plugin, app, key, arg(4), index(5)?),
        "lrange" => store.list_get(plugin, app, key).map(|lines| print_lines(&lines)),
        "lindex" => store.list_index(plugin, app, key, index(4)?).map(|v| output::println(&v)),
        "lismember" => {
            return Ok(if store.list_contains(plugin, app, key, arg(4)).map_err(prop_err)? { 0 } else { 1 })
        }
        "llen" => store.list_len(plugin, app, key).map(|n| output::println(&n.to_string())),
        "lrem" => store.list_remove(plugin, app, key, arg(4)),
        "lrem-by-prefix" => store.list_remove_by_prefix(plugin, app, key, arg(4)),
        "lset" => store.list_set(plugin, app, key, arg(4), index(5)?),
        "lwrite" => store.list_write(plugin, app, key, args.get(4..).unwrap_or_default()),
        other => {
            return Err(CommandError::fail(format!("unknown property op '{other}'"))
                .hint("ops: set get get-with-default del exists get-all get-all-by-prefix clone destroy setup setup-app rpush lrange lindex lismember llen lrem lrem-by-prefix lset lwrite"))
        }
    };
    done.map_err(prop_err)?;
    Ok(0)
}

fn prop_err(err: PropertyError) -> CommandError {
    CommandError::fail(err.to_string())
}

fn print_lines(lines: &[String]) {
    for line in lines {
        output::println(line);
    }
}

fn print_pairs(
    pairs: Result<std::collections::BTreeMap<String, String>, PropertyError>,
) -> Result<(), PropertyError> {
    for (k, v) in pairs? {
        output::println(&format!("{k} {v}"));
    }
    Ok(())
}
