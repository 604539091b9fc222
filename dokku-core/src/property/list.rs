//! List properties: one value per line, each line `\n`-terminated.
//!
//! The method names follow Dokku's Go helpers; the `prop` sub-command names (`rpush`,
//! `lrange`, ...) are given as doc aliases. Every mutation is a read-modify-write under
//! the property's lock, so concurrent pushes from separate processes all survive.
//!
//! Indexes are `usize`: Dokku's negative indexes silently do nothing (`lset`, `list-add`)
//! or fail (`lindex`), so a caller parsing user input rejects them before calling.

use super::store::{read_file, write_file};
use super::{PropertyError, PropertyStore};

impl PropertyStore {
    /// The list's entries; a missing property is an empty list (`prop lrange`).
    ///
    /// Lines are split as Go's `bufio.ScanLines` does: on `\n`, dropping one trailing
    /// `\r` per line, with a final unterminated line kept.
    #[doc(alias = "lrange")]
    pub fn list_get(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
    ) -> Result<Vec<String>, PropertyError> {
        let loc = self.locate(plugin, app, property)?;
        Ok(read_file(&loc.file, plugin, app, property)?
            .map(|text| split_lines(&text))
            .unwrap_or_default())
    }

    /// Number of entries (`prop llen`).
    #[doc(alias = "llen")]
    pub fn list_len(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
    ) -> Result<usize, PropertyError> {
        Ok(self.list_get(plugin, app, property)?.len())
    }

    /// The entry at 0-based `index`; past the end ⇒ [`PropertyError::IndexNotFound`]
    /// (`prop lindex`).
    #[doc(alias = "lindex")]
    pub fn list_index(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        index: usize,
    ) -> Result<String, PropertyError> {
        self.list_get(plugin, app, property)?
            .into_iter()
            .nth(index)
            .ok_or_else(|| PropertyError::IndexNotFound {
                property: property.to_owned(),
                index,
            })
    }

    /// Whether some entry equals `value` exactly (`prop lismember`; Dokku's CLI prints
    /// `Value not found` and exits 1 when this is `false`).
    #[doc(alias = "lismember")]
    pub fn list_contains(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        value: &str,
    ) -> Result<bool, PropertyError> {
        Ok(self
            .list_get(plugin, app, property)?
            .iter()
            .any(|line| line == value))
    }

    /// Appends `value`, whitespace-trimmed (`prop rpush` without an index).
    #[doc(alias = "rpush")]
    pub fn list_push(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        value: &str,
    ) -> Result<(), PropertyError> {
        self.list_add(plugin, app, property, value, 0)
    }

    /// Inserts `value` (whitespace-trimmed) so that it becomes entry number `index`,
    /// counting from 1; `0` or an index past the end appends (Dokku `PropertyListAdd`,
    /// `prop rpush ... INDEX`). The property is created if missing.
    pub fn list_add(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        value: &str,
        index: usize,
    ) -> Result<(), PropertyError> {
        let value = value.trim().to_owned();
        self.list_modify(plugin, app, property, |lines| {
            let at = if index == 0 || index > lines.len() {
                lines.len()
            } else {
                index - 1
            };
            lines.insert(at, value);
            true
        })
        .map(drop)
    }

    /// Replaces the entry at 0-based `index` with `value` (whitespace-trimmed); an index
    /// at or past the end appends (`prop lset`).
    #[doc(alias = "lset")]
    pub fn list_set(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        value: &str,
        index: usize,
    ) -> Result<(), PropertyError> {
        let value = value.trim().to_owned();
        self.list_modify(plugin, app, property, |lines| {
            match lines.get_mut(index) {
                Some(slot) => *slot = value,
                None => lines.push(value),
            }
            true
        })
        .map(drop)
    }

    /// Replaces the whole list with `values`, verbatim (`prop lwrite`). An empty slice
    /// leaves an empty, existing property.
    #[doc(alias = "lwrite")]
    pub fn list_write<S: AsRef<str>>(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        values: &[S],
    ) -> Result<(), PropertyError> {
        let loc = self.locate(plugin, app, property)?;
        self.locked(&loc, || {
            write_file(&loc.file, join_lines(values).as_bytes())
        })
    }

    /// Removes every entry equal to `value`; none ⇒ [`PropertyError::NothingRemoved`]
    /// (`prop lrem`).
    #[doc(alias = "lrem")]
    pub fn list_remove(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        value: &str,
    ) -> Result<(), PropertyError> {
        self.list_remove_where(plugin, app, property, value, |line| line == value)
    }

    /// Removes every entry starting with `prefix`; none ⇒
    /// [`PropertyError::NothingRemoved`] (`prop lrem-by-prefix`).
    #[doc(alias = "lrem-by-prefix")]
    pub fn list_remove_by_prefix(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        prefix: &str,
    ) -> Result<(), PropertyError> {
        self.list_remove_where(plugin, app, property, prefix, |line| {
            line.starts_with(prefix)
        })
    }

    fn list_remove_where(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        value: &str,
        matches: impl Fn(&str) -> bool,
    ) -> Result<(), PropertyError> {
        let loc = self.locate(plugin, app, property)?;
        let nothing_removed = || PropertyError::NothingRemoved {
            property: property.to_owned(),
            value: value.to_owned(),
        };
        // Dokku fails here too (it cannot open the missing file); we just say why.
        if !loc.dir.is_dir() {
            return Err(nothing_removed());
        }
        let removed = self.list_modify(plugin, app, property, |lines| {
            let before = lines.len();
            lines.retain(|line| !matches(line));
            lines.len() != before
        })?;
        if removed {
            Ok(())
        } else {
            Err(nothing_removed())
        }
    }

    /// Read-modify-write of a whole list under the property's lock, for changes that are
    /// more than one push or removal (docker-options keeps its lists sorted). `edit`
    /// returns whether it changed anything; only then is the file written (and
    /// created). Returns what `edit` returned.
    pub fn list_update(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        edit: impl FnOnce(&mut Vec<String>) -> bool,
    ) -> Result<bool, PropertyError> {
        self.list_modify(plugin, app, property, edit)
    }

    /// [`list_update`](Self::list_update) for an `edit` that can refuse the change (a
    /// duplicate mount, a reused port): on `Err` nothing is written and the error is
    /// returned as is. For plugins whose new list depends on what is stored, so the
    /// check and the write see the same list.
    pub fn list_try_update<E: From<PropertyError>>(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        edit: impl FnOnce(&mut Vec<String>) -> Result<bool, E>,
    ) -> Result<bool, E> {
        let loc = self.locate(plugin, app, property)?;
        // `locked` speaks PropertyError only: `edit`'s own error rides inside its Ok.
        let outcome = self.locked(&loc, || {
            let mut lines = read_file(&loc.file, plugin, app, property)?
                .map(|text| split_lines(&text))
                .unwrap_or_default();
            let changed = match edit(&mut lines) {
                Ok(changed) => changed,
                Err(e) => return Ok(Err(e)),
            };
            if changed {
                write_file(&loc.file, join_lines(&lines).as_bytes())?;
            }
            Ok(Ok(changed))
        })?;
        outcome
    }

    /// Read-modify-write of a list under its lock. `edit` returns whether it changed
    /// anything; the file is rewritten (and created if missing) only then.
    fn list_modify(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        edit: impl FnOnce(&mut Vec<String>) -> bool,
    ) -> Result<bool, PropertyError> {
        self.list_try_update(plugin, app, property, |lines| Ok(edit(lines)))
    }
}

/// Splits like Go's `bufio.ScanLines`.
fn split_lines(text: &str) -> Vec<String> {
    text.split_inclusive('\n')
        .map(|line| {
            let line = line.strip_suffix('\n').unwrap_or(line);
            line.strip_suffix('\r').unwrap_or(line).to_owned()
        })
        .collect()
}

/// One value per line, each followed by `\n` (Go's `fmt.Fprintln`).
fn join_lines<S: AsRef<str>>(values: &[S]) -> String {
    values.iter().fold(String::new(), |mut out, value| {
        out.push_str(value.as_ref());
        out.push('\n');
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::sync::Arc;

    fn store() -> (tempfile::TempDir, PropertyStore) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = PropertyStore::new(dir.path());
        (dir, store)
    }

    fn list(s: &PropertyStore) -> Vec<String> {
        s.list_get("p", "a", "l").expect("list_get")
    }

    #[test]
    fn split_lines_matches_go_scanlines() {
        assert_eq!(split_lines(""), Vec::<String>::new());
        assert_eq!(split_lines("\n"), [""]);
        assert_eq!(split_lines("a\n\nb"), ["a", "", "b"]);
        assert_eq!(split_lines("a\r\nb\r\n"), ["a", "b"]);
        assert_eq!(split_lines("a\r\r\n"), ["a\r"], "only one CR is dropped");
    }

    #[test]
    fn push_appends_trimmed_lines_in_file_format() {
        let (root, s) = store();
        s.list_push("p", "a", "l", "  one ").expect("push");
        s.list_push("p", "a", "l", "two").expect("push");
        assert_eq!(
            fs::read_to_string(root.path().join("config/p/a/l")).expect("read"),
            "one\ntwo\n"
        );
        assert_eq!(list(&s), ["one", "two"]);
        assert_eq!(s.list_len("p", "a", "l").expect("len"), 2);
    }

    #[test]
    fn missing_list_is_empty() {
        let (_root, s) = store();
        assert!(list(&s).is_empty());
        assert_eq!(s.list_len("p", "a", "l").expect("len"), 0);
        assert!(!s.list_contains("p", "a", "l", "x").expect("contains"));
    }

    #[test]
    fn add_uses_one_based_positions_and_appends_on_zero_or_past_end() {
        let (_root, s) = store();
        s.list_write("p", "a", "l", &["b", "d"]).expect("write");
        s.list_add("p", "a", "l", "a", 1).expect("add at 1");
        s.list_add("p", "a", "l", "c", 3).expect("add at 3");
        s.list_add("p", "a", "l", "e", 0).expect("append");
        s.list_add("p", "a", "l", "f", 99)
            .expect("past end appends");
        assert_eq!(list(&s), ["a", "b", "c", "d", "e", "f"]);
        // len+1 is "past the end" in Dokku's rule too, and appends.
        s.list_add("p", "a", "l", "g", 7).expect("len+1");
        assert_eq!(list(&s).last().map(String::as_str), Some("g"));
    }

    #[test]
    fn index_is_zero_based_and_missing_index_errors() {
        let (_root, s) = store();
        s.list_write("p", "a", "l", &["x", "y"]).expect("write");
        assert_eq!(s.list_index("p", "a", "l", 0).expect("0"), "x");
        assert_eq!(s.list_index("p", "a", "l", 1).expect("1"), "y");
        let err = s.list_index("p", "a", "l", 2).expect_err("2");
        assert_eq!(err.to_string(), "Index not found");
    }

    #[test]
    fn set_replaces_or_appends() {
        let (_root, s) = store();
        s.list_write("p", "a", "l", &["x", "y"]).expect("write");
        s.list_set("p", "a", "l", " Y ", 1).expect("set 1");
        s.list_set("p", "a", "l", "z", 2)
            .expect("set at len appends");
        s.list_set("p", "a", "l", "w", 10)
            .expect("set past len appends");
        assert_eq!(list(&s), ["x", "Y", "z", "w"]);
    }

    #[test]
    fn contains_matches_whole_entries() {
        let (_root, s) = store();
        s.list_write("p", "a", "l", &["web=1", "worker=2"])
            .expect("write");
        assert!(s.list_contains("p", "a", "l", "web=1").expect("contains"));
        assert!(!s
            .list_contains("p", "a", "l", "web")
            .expect("prefix is not membership"));
    }

    #[test]
    fn remove_drops_every_match_and_errors_when_none() {
        let (_root, s) = store();
        s.list_write("p", "a", "l", &["x", "y", "x"])
            .expect("write");
        s.list_remove("p", "a", "l", "x").expect("remove");
        assert_eq!(list(&s), ["y"]);
        let err = s.list_remove("p", "a", "l", "x").expect_err("gone");
        assert_eq!(err.to_string(), "Property not found, nothing was removed");
        let err = s
            .list_remove("p", "nope", "l", "x")
            .expect_err("missing list");
        assert!(matches!(err, PropertyError::NothingRemoved { .. }));
    }

    #[test]
    fn remove_by_prefix() {
        let (_root, s) = store();
        s.list_write(
            "p",
            "a",
            "l",
            &["http:80:5000", "https:443:5000", "http:8080:5000"],
        )
        .expect("write");
        s.list_remove_by_prefix("p", "a", "l", "http:")
            .expect("remove");
        assert_eq!(list(&s), ["https:443:5000"]);
        assert!(s.list_remove_by_prefix("p", "a", "l", "tcp:").is_err());
    }

    #[test]
    fn write_is_verbatim_and_empty_list_leaves_empty_file() {
        let (root, s) = store();
        s.list_write("p", "a", "l", &[" keep spaces "])
            .expect("write");
        assert_eq!(list(&s), [" keep spaces "]);
        s.list_write::<&str>("p", "a", "l", &[])
            .expect("write empty");
        assert_eq!(
            fs::read(root.path().join("config/p/a/l")).expect("read"),
            b""
        );
        assert!(s.exists("p", "a", "l").expect("exists"));
    }

    #[test]
    fn concurrent_pushes_from_separate_stores_all_survive() {
        let (root, _s) = store();
        let root = Arc::new(root.path().to_path_buf());
        let handles: Vec<_> = (0..20)
            .map(|i| {
                let root = Arc::clone(&root);
                std::thread::spawn(move || {
                    let store = PropertyStore::new(root.as_path());
                    for j in 0..5 {
                        store
                            .list_push("p", "a", "l", &format!("v{i}-{j}"))
                            .expect("push");
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("thread");
        }
        let store = PropertyStore::new(root.as_path());
        let mut got = store.list_get("p", "a", "l").expect("list");
        got.sort();
        let mut want: Vec<String> = (0..20)
            .flat_map(|i| (0..5).map(move |j| format!("v{i}-{j}")))
            .collect();
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn try_update_writes_on_success_and_nothing_on_refusal() {
        let (root, s) = store();
        s.list_write("p", "a", "l", &["one"]).expect("write");
        let err = s
            .list_try_update("p", "a", "l", |lines| {
                lines.push("two".into());
                Err::<bool, Box<dyn std::error::Error>>("refused".into())
            })
            .expect_err("refused");
        assert_eq!(err.to_string(), "refused");
        assert_eq!(list(&s), ["one"], "a refused edit writes nothing");
        let changed = s
            .list_try_update("p", "a", "l", |lines| {
                lines.push("two".into());
                Ok::<_, PropertyError>(true)
            })
            .expect("update");
        assert!(changed);
        assert_eq!(
            fs::read_to_string(root.path().join("config/p/a/l")).expect("read"),
            "one\ntwo\n"
        );
    }
}
