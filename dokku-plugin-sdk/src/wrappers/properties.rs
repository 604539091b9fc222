//! Plugin properties beyond get/set/delete (`fn-plugin-property-*`): every property of
//! an app, existence, clean-up, and list properties (one value per line).

use std::collections::BTreeMap;

use crate::error::HostError;
use crate::services::{bad_answer, service, Host};

impl Host<'_> {
    /// Whether the property is set (`fn-plugin-property-exists`), even to `""`.
    pub fn property_exists(&self, plugin: &str, app: &str, key: &str) -> Result<bool, HostError> {
        let answer = self.call_one(service::PROPERTY_EXISTS, &[plugin, app, key])?;
        super::yes_no(service::PROPERTY_EXISTS, answer)
    }

    /// Every property of `app` (or [`crate::GLOBAL`]) for `plugin`, by name
    /// (`fn-plugin-property-get-all`).
    pub fn property_get_all(
        &self,
        plugin: &str,
        app: &str,
    ) -> Result<BTreeMap<String, String>, HostError> {
        let flat = self.call(service::PROPERTY_GET_ALL, &[plugin, app])?;
        if flat.len() % 2 != 0 {
            return Err(bad_answer(
                service::PROPERTY_GET_ALL,
                "key and value pairs",
                &flat,
            ));
        }
        let mut all = BTreeMap::new();
        let mut items = flat.into_iter();
        while let (Some(key), Some(value)) = (items.next(), items.next()) {
            all.insert(key, value);
        }
        Ok(all)
    }

    /// Removes every property of `app` for `plugin` (`fn-plugin-property-destroy`), e.g.
    /// from a `post-delete` handler; `"_all_"` removes the plugin's whole store, every
    /// app and the global scope included. Nothing to remove is fine.
    pub fn property_destroy(&self, plugin: &str, app: &str) -> Result<(), HostError> {
        self.call_unit(service::PROPERTY_DESTROY, &[plugin, app])
    }

    /// The entries of a list property; a missing one is empty
    /// (`fn-plugin-property-list-get`).
    pub fn property_list_get(
        &self,
        plugin: &str,
        app: &str,
        key: &str,
    ) -> Result<Vec<String>, HostError> {
        self.call(service::PROPERTY_LIST_GET, &[plugin, app, key])
    }

    /// The entry at 0-based `index`; past the end is an
    /// [`crate::ErrorKind::InvalidArguments`] error (`Index not found`).
    pub fn property_list_get_by_index(
        &self,
        plugin: &str,
        app: &str,
        key: &str,
        index: usize,
    ) -> Result<String, HostError> {
        let index = index.to_string();
        self.call_one(
            service::PROPERTY_LIST_GET_BY_INDEX,
            &[plugin, app, key, &index],
        )
    }

    /// Whether some entry equals `value` (`fn-plugin-property-list-get-by-value`).
    pub fn property_list_contains(
        &self,
        plugin: &str,
        app: &str,
        key: &str,
        value: &str,
    ) -> Result<bool, HostError> {
        let answer = self.call_one(
            service::PROPERTY_LIST_GET_BY_VALUE,
            &[plugin, app, key, value],
        )?;
        super::yes_no(service::PROPERTY_LIST_GET_BY_VALUE, answer)
    }

    /// The number of entries (`fn-plugin-property-list-length`).
    pub fn property_list_length(
        &self,
        plugin: &str,
        app: &str,
        key: &str,
    ) -> Result<usize, HostError> {
        let answer = self.call_one(service::PROPERTY_LIST_LENGTH, &[plugin, app, key])?;
        answer
            .parse()
            .map_err(|_| bad_answer(service::PROPERTY_LIST_LENGTH, "a number", &[answer]))
    }

    /// Inserts `value` (whitespace-trimmed) so that it becomes entry number `position`,
    /// counting from 1; `None`, `Some(0)` or a position past the end appends
    /// (`fn-plugin-property-list-add`). Creates the property when missing.
    pub fn property_list_add(
        &self,
        plugin: &str,
        app: &str,
        key: &str,
        value: &str,
        position: Option<usize>,
    ) -> Result<(), HostError> {
        let position = position.unwrap_or(0).to_string();
        self.call_unit(
            service::PROPERTY_LIST_ADD,
            &[plugin, app, key, value, &position],
        )
    }

    /// Replaces the entry at 0-based `index` with `value` (whitespace-trimmed); an index
    /// at or past the end appends (`fn-plugin-property-list-set`).
    pub fn property_list_set(
        &self,
        plugin: &str,
        app: &str,
        key: &str,
        value: &str,
        index: usize,
    ) -> Result<(), HostError> {
        let index = index.to_string();
        self.call_unit(
            service::PROPERTY_LIST_SET,
            &[plugin, app, key, value, &index],
        )
    }

    /// Removes every entry equal to `value` (`fn-plugin-property-list-remove`); none is
    /// a [`crate::ErrorKind::Failed`] error (`Property not found, nothing was removed`).
    pub fn property_list_remove(
        &self,
        plugin: &str,
        app: &str,
        key: &str,
        value: &str,
    ) -> Result<(), HostError> {
        self.call_unit(service::PROPERTY_LIST_REMOVE, &[plugin, app, key, value])
    }

    /// Removes every entry starting with `prefix`; none is an error as for
    /// [`Host::property_list_remove`].
    pub fn property_list_remove_by_prefix(
        &self,
        plugin: &str,
        app: &str,
        key: &str,
        prefix: &str,
    ) -> Result<(), HostError> {
        self.call_unit(
            service::PROPERTY_LIST_REMOVE_BY_PREFIX,
            &[plugin, app, key, prefix],
        )
    }

    /// Replaces the whole list with `values`, verbatim (`fn-plugin-property-list-write`).
    pub fn property_list_write(
        &self,
        plugin: &str,
        app: &str,
        key: &str,
        values: &[&str],
    ) -> Result<(), HostError> {
        let mut args = vec![plugin, app, key];
        args.extend_from_slice(values);
        self.call_unit(service::PROPERTY_LIST_WRITE, &args)
    }
}
