//! Plugin properties (`fn-plugin-property-*`): one `PropertyStore` under
//! `$DOKKU_LIB_ROOT/config`, the same files, locks and rules as `dokku __core prop`.

use dokku_core::property::PropertyStore;
use dokku_plugin_sdk::service as name;
use dokku_plugin_sdk::HostError;

use super::errors;
use super::{Answer, Args, Family, ServiceHost};

pub(super) struct Properties;

/// An index argument: empty is `0`, as in Dokku's `prop` helpers.
fn index(args: Args<'_>, i: usize) -> Result<usize, HostError> {
    match args.opt(i) {
        None => Ok(0),
        Some(text) => text.parse().map_err(|_| {
            HostError::invalid_arguments(format!("Invalid index specified: '{text}'"))
        }),
    }
}

fn yes_no(value: bool) -> Vec<String> {
    vec![value.to_string()]
}

impl Family for Properties {
    fn call(host: &ServiceHost<'_>, service: &str, args: Args<'_>) -> Option<Answer> {
        let store = PropertyStore::new(&host.ctx.layout.lib_root);
        let (plugin, app, key) = (args.get(0), args.get(1), args.get(2));
        let done = |r: Result<(), _>| r.map(|()| Vec::new()).map_err(errors::property);
        Some(match service {
            name::PROPERTY_GET => store
                .get(plugin, app, key)
                .map(|v| v.into_iter().collect())
                .map_err(errors::property),
            name::PROPERTY_SET => done(store.write(plugin, app, key, args.get(3))),
            name::PROPERTY_DELETE => done(store.delete(plugin, app, key)),
            name::PROPERTY_EXISTS => store
                .exists(plugin, app, key)
                .map(yes_no)
                .map_err(errors::property),
            name::PROPERTY_GET_ALL => store
                .get_all(plugin, app)
                .map(|all| all.into_iter().flat_map(|(k, v)| [k, v]).collect())
                .map_err(errors::property),
            name::PROPERTY_DESTROY => done(store.destroy(plugin, app)),
            name::PROPERTY_LIST_GET => store.list_get(plugin, app, key).map_err(errors::property),
            name::PROPERTY_LIST_GET_BY_INDEX => index(args, 3).and_then(|i| {
                store
                    .list_index(plugin, app, key, i)
                    .map(|v| vec![v])
                    .map_err(errors::property)
            }),
            name::PROPERTY_LIST_GET_BY_VALUE => store
                .list_contains(plugin, app, key, args.get(3))
                .map(yes_no)
                .map_err(errors::property),
            name::PROPERTY_LIST_LENGTH => store
                .list_len(plugin, app, key)
                .map(|n| vec![n.to_string()])
                .map_err(errors::property),
            name::PROPERTY_LIST_ADD => {
                index(args, 4).and_then(|i| done(store.list_add(plugin, app, key, args.get(3), i)))
            }
            name::PROPERTY_LIST_SET => {
                index(args, 4).and_then(|i| done(store.list_set(plugin, app, key, args.get(3), i)))
            }
            name::PROPERTY_LIST_REMOVE => done(store.list_remove(plugin, app, key, args.get(3))),
            name::PROPERTY_LIST_REMOVE_BY_PREFIX => {
                done(store.list_remove_by_prefix(plugin, app, key, args.get(3)))
            }
            name::PROPERTY_LIST_WRITE => done(store.list_write(plugin, app, key, args.from(3))),
            _ => return None,
        })
    }
}
