//! Map properties: a JSON object of strings in one property file (Dokku `PropertyMap*`).
//!
//! Written with sorted keys on one line, as Go's `json.Marshal` does. Go also escapes
//! `<`, `>` and `&` as `\u003c`...; we do not, which only changes bytes, never the
//! decoded map.

use std::collections::BTreeMap;

use super::store::{read_file, write_file};
use super::{PropertyError, PropertyStore};

/// The contents of a map property.
pub type PropertyMap = BTreeMap<String, String>;

impl PropertyStore {
    /// The map; a missing, empty or `null` property is an empty map.
    pub fn map_get(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
    ) -> Result<PropertyMap, PropertyError> {
        let loc = self.locate(plugin, app, property)?;
        let text = read_file(&loc.file, plugin, app, property)?;
        decode(plugin, app, property, text.as_deref())
    }

    /// Replaces the whole map.
    pub fn map_write(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        map: &PropertyMap,
    ) -> Result<(), PropertyError> {
        let loc = self.locate(plugin, app, property)?;
        self.locked(&loc, || write_file(&loc.file, encode(map).as_bytes()))
    }

    /// Sets one key of the map, creating the property if needed.
    pub fn map_set(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        key: &str,
        value: &str,
    ) -> Result<(), PropertyError> {
        self.map_modify(plugin, app, property, |map| {
            map.insert(key.to_owned(), value.to_owned());
        })
    }

    /// Removes one key of the map; a missing key (or map) is not an error.
    pub fn map_delete(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        key: &str,
    ) -> Result<(), PropertyError> {
        let loc = self.locate(plugin, app, property)?;
        // Nothing to delete, and no reason to create an empty map file.
        if !loc.file.exists() {
            return Ok(());
        }
        self.map_modify(plugin, app, property, |map| {
            map.remove(key);
        })
    }

    /// Number of keys in the map.
    pub fn map_len(&self, plugin: &str, app: &str, property: &str) -> Result<usize, PropertyError> {
        Ok(self.map_get(plugin, app, property)?.len())
    }

    fn map_modify(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        edit: impl FnOnce(&mut PropertyMap),
    ) -> Result<(), PropertyError> {
        let loc = self.locate(plugin, app, property)?;
        self.locked(&loc, || {
            let text = read_file(&loc.file, plugin, app, property)?;
            let mut map = decode(plugin, app, property, text.as_deref())?;
            edit(&mut map);
            write_file(&loc.file, encode(&map).as_bytes())
        })
    }
}

fn decode(
    plugin: &str,
    app: &str,
    property: &str,
    text: Option<&str>,
) -> Result<PropertyMap, PropertyError> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(PropertyMap::new());
    };
    serde_json::from_str::<Option<PropertyMap>>(text)
        .map(Option::unwrap_or_default)
        .map_err(|source| PropertyError::InvalidMap {
            plugin: plugin.to_owned(),
            app: app.to_owned(),
            property: property.to_owned(),
            source,
        })
}

fn encode(map: &PropertyMap) -> String {
    // A map of strings always serializes; the fallback only keeps this panic-free.
    serde_json::to_string(map).unwrap_or_else(|_| "{}".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn store() -> (tempfile::TempDir, PropertyStore) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = PropertyStore::new(dir.path());
        (dir, store)
    }

    #[test]
    fn missing_empty_or_null_map_is_empty() {
        let (root, s) = store();
        assert!(s.map_get("p", "a", "m").expect("missing").is_empty());
        s.write("p", "a", "m", "").expect("write");
        assert!(s.map_get("p", "a", "m").expect("empty").is_empty());
        s.write("p", "a", "m", "null").expect("write");
        assert!(s.map_get("p", "a", "m").expect("null").is_empty());
        assert_eq!(s.map_len("p", "a", "m").expect("len"), 0);
        assert!(root.path().join("config/p/a/m").exists());
    }

    #[test]
    fn set_delete_len_and_file_format() {
        let (root, s) = store();
        s.map_set("p", "a", "m", "b", "2").expect("set");
        s.map_set("p", "a", "m", "a", "1\"<x>").expect("set");
        assert_eq!(
            fs::read_to_string(root.path().join("config/p/a/m")).expect("read"),
            r#"{"a":"1\"<x>","b":"2"}"#
        );
        assert_eq!(s.map_len("p", "a", "m").expect("len"), 2);
        s.map_delete("p", "a", "m", "a").expect("delete");
        s.map_delete("p", "a", "m", "zzz").expect("missing key ok");
        assert_eq!(
            s.map_get("p", "a", "m")
                .expect("get")
                .get("b")
                .map(String::as_str),
            Some("2")
        );
        assert_eq!(s.map_len("p", "a", "m").expect("len"), 1);
    }

    #[test]
    fn delete_on_missing_map_creates_nothing() {
        let (root, s) = store();
        s.map_delete("p", "a", "m", "k").expect("delete");
        assert!(!root.path().join("config/p/a/m").exists());
    }

    #[test]
    fn write_replaces_and_invalid_json_errors() {
        let (_root, s) = store();
        let map: PropertyMap = [("k".to_owned(), "v".to_owned())].into_iter().collect();
        s.map_write("p", "a", "m", &map).expect("write");
        assert_eq!(s.map_get("p", "a", "m").expect("get"), map);
        s.write("p", "a", "m", "[1]").expect("write");
        assert!(matches!(
            s.map_get("p", "a", "m"),
            Err(PropertyError::InvalidMap { .. })
        ));
    }
}
