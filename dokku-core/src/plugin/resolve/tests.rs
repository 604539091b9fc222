use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::*;

/// Words an attacker sends; each must be refused before resolution.
const HOSTILE: &[&str] = &[
    "hello:../../../../usr/bin/find",
    "../../data/storage/sdir",
    "..",
    ".",
    "hello:..",
    "hello:.hidden",
    ".hidden",
    "/usr/bin/id",
    "hello:/etc/passwd",
    "a\0b",
    "apps:list\n",
    "apps list",
    "hello:x/../../y",
];

const REAL: &[&str] = &[
    "apps:create",
    "apps",
    "git-receive-pack",
    "git-hook",
    "nginx:show-config",
    "--version",
    "-v",
    "help",
    "postgres:create",
    "00_dokku-standard",
    "builder-dockerfile:set",
    "ps:restore",
];

#[test]
fn real_commands_pass() {
    for word in REAL {
        check_command_word(word).unwrap_or_else(|e| panic!("{word}: {e}"));
        check_ssh_command_word(word).unwrap_or_else(|e| panic!("{word}: {e}"));
    }
}

#[test]
fn hostile_words_are_refused_on_one_line() {
    for word in HOSTILE {
        let err = check_command_word(word).expect_err(word);
        assert!(!err.to_string().contains('\n'), "{err}");
    }
}

#[test]
fn internal_commands_are_refused_over_ssh_only() {
    check_command_word("__core").expect("local helpers may call __core");
    let err = check_ssh_command_word("__core").expect_err("ssh");
    assert_eq!(
        err.to_string(),
        "'__core' is an internal command and cannot be run over ssh"
    );
    assert!(check_ssh_command_word("__anything").is_err());
}

fn executable(path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, "#!/bin/sh\n").expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

fn plugin_at(dir: &Path) -> Plugin {
    Plugin {
        name: "hello".into(),
        dir: dir.to_path_buf(),
        core: false,
        manifest: None,
    }
}

#[test]
fn subcommands_are_found_by_listing_only() {
    let root = tempfile::tempdir().expect("tempdir");
    let plugin_dir = root.path().join("enabled/hello");
    executable(&plugin_dir.join("subcommands/default"));
    executable(&plugin_dir.join("subcommands/world"));
    std::fs::write(plugin_dir.join("subcommands/not-exec"), "").expect("write");
    // A plugin-shaped tree outside the plugin, as an app container could plant.
    executable(&root.path().join("data/storage/sdir/subcommands/default"));
    executable(&root.path().join("bin/tool"));
    let plugin = plugin_at(&plugin_dir);

    assert_eq!(
        find_subcommand(&plugin, "world"),
        Some(plugin_dir.join("subcommands/world"))
    );
    assert!(find_subcommand(&plugin, "default").is_some());
    assert_eq!(find_subcommand(&plugin, "not-exec"), None);
    for word in [
        "",
        ".",
        "..",
        "../subcommands/world",
        "../../../bin/tool",
        "../../../data/storage/sdir/subcommands/default",
        "world/",
        "./world",
    ] {
        assert_eq!(find_subcommand(&plugin, word), None, "{word:?}");
    }
}

/// A small deterministic generator (xorshift64*), so the property test needs no
/// dependency and every CI run tries the same inputs.
struct Words(u64);

impl Words {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A word drawn mostly from the characters that build paths.
    fn word(&mut self) -> String {
        const PIECES: &[&str] = &[
            "/",
            ".",
            "..",
            ":",
            "_",
            "-",
            "a",
            "world",
            "default",
            "subcommands",
            "\0",
            " ",
            "\n",
            "bin",
            "tool",
            "data",
            "storage",
            "sdir",
            "é",
            "~",
            "*",
            "$",
        ];
        let len = (self.next() % 12) as usize;
        (0..len)
            .map(|_| PIECES[(self.next() % PIECES.len() as u64) as usize])
            .collect()
    }
}

#[test]
fn property_no_word_reaches_a_file_outside_subcommands() {
    let root = tempfile::tempdir().expect("tempdir");
    let plugin_dir = root.path().join("enabled/hello");
    executable(&plugin_dir.join("subcommands/default"));
    executable(&plugin_dir.join("subcommands/world"));
    executable(&root.path().join("data/storage/sdir/subcommands/default"));
    executable(&root.path().join("bin/tool"));
    let plugin = plugin_at(&plugin_dir);
    let allowed = plugin_dir.join("subcommands");

    let mut words = Words(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let word = words.word();
        let checked = check_command_word(&word).is_ok();
        if checked {
            assert!(!word.contains('/') && !word.contains('\0'), "{word:?}");
        }
        if let Some(found) = find_subcommand(&plugin, &word) {
            assert_eq!(found.parent(), Some(allowed.as_path()), "{word:?}");
            assert!(word == "default" || word == "world", "{word:?}");
        }
        // The ssh gate is at least as strict as the local one.
        if check_ssh_command_word(&word).is_ok() {
            assert!(checked && !word.starts_with("__"), "{word:?}");
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

    /// Whatever an ssh client sends: splitting never panics, and a first word that
    /// passes the ssh gate reaches no file outside a plugin's `subcommands/`.
    #[test]
    fn any_ssh_command_stays_inside_the_plugin_tree(command in "(\\PC|[/.:_ '\"\\\\\n\t-]){0,64}") {
        let Ok(words) = crate::shell::split_words_strict(&command) else {
            return Ok(());
        };
        let Some(first) = words.first() else {
            return Ok(());
        };
        if check_ssh_command_word(first).is_err() {
            return Ok(());
        }
        proptest::prop_assert!(!first.contains('/') && !first.starts_with("__"));
        let root = tempfile::tempdir().expect("tempdir");
        let plugin_dir = root.path().join("enabled/hello");
        executable(&plugin_dir.join("subcommands/default"));
        let plugin = plugin_at(&plugin_dir);
        let allowed = plugin_dir.join("subcommands");
        let suffix = first.split_once(':').map_or(first.as_str(), |(_, s)| s);
        for name in [first.as_str(), suffix] {
            if let Some(found) = find_subcommand(&plugin, name) {
                proptest::prop_assert_eq!(found.parent(), Some(allowed.as_path()));
            }
        }
    }
}
