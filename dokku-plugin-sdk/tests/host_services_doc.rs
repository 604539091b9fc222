//! `docs/contracts/host-services.md` against the code: its service table has one row
//! for every name of `dokku_plugin_sdk::service::ALL` and no other, and every row names
//! the SDK wrapper that calls it.

use std::collections::BTreeSet;
use std::path::Path;

use dokku_plugin_sdk::service;

/// The service table's rows: (name, SDK wrapper column).
fn table_rows() -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/contracts/host-services.md");
    let text = std::fs::read_to_string(&path).expect("read host-services.md");
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Host services"))
        .expect("a `## Host services` section");
    let mut rows = Vec::new();
    let mut in_table = false;
    for line in section.lines() {
        if line.starts_with("| service |") {
            in_table = true;
            continue;
        }
        if !in_table || line.starts_with("|---") {
            continue;
        }
        if !line.starts_with('|') {
            break;
        }
        // Split on unescaped pipes (`\|` stays inside a cell).
        let cells: Vec<String> = line
            .replace("\\|", "\u{1}")
            .split('|')
            .map(|c| c.trim().replace('\u{1}', "|"))
            .collect();
        let name = cells
            .get(1)
            .and_then(|c| c.strip_prefix('`'))
            .and_then(|c| c.strip_suffix('`'))
            .unwrap_or_else(|| panic!("a row without a `service` name: {line}"));
        let wrapper = cells.get(4).cloned().unwrap_or_default();
        rows.push((name.to_string(), wrapper));
    }
    rows
}

#[test]
fn the_service_table_lists_exactly_the_services_of_the_protocol() {
    let rows = table_rows();
    let mut documented = BTreeSet::new();
    for (name, _) in &rows {
        assert!(documented.insert(name.as_str()), "`{name}` has two rows");
    }
    let code: BTreeSet<&str> = service::ALL.iter().copied().collect();
    let undocumented: Vec<_> = code.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&code).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "in service::ALL without a row: {undocumented:?}; rows without a name in ALL: {unknown:?}"
    );
}

#[test]
fn every_row_names_its_sdk_wrapper() {
    for (name, wrapper) in table_rows() {
        assert!(
            wrapper.contains("Host::") || wrapper.contains("DeployLockGuard::"),
            "`{name}`: no SDK wrapper in its row ({wrapper:?})"
        );
    }
}
