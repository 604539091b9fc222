//! Property tests: any template text parses or fails with a template error, never
//! panics; and template-shaped text that parses also executes without a panic.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::{render, Template};

/// Words of sigil's language; numbers stay small so no run is long.
fn word() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "$x",
        "$i",
        "$",
        ".",
        ".APP",
        "$.PORTS",
        ".NOPE.DEEP",
        "$x.APP",
        "|",
        "(",
        ")",
        ":=",
        "=",
        ",",
        "\"a:b:c\"",
        "\" \"",
        "\":\"",
        "`raw`",
        "'c'",
        "0",
        "1",
        "2",
        "-1",
        "9",
        "true",
        "false",
        "nil",
        "and",
        "or",
        "not",
        "len",
        "index",
        "slice",
        "eq",
        "ne",
        "lt",
        "ge",
        "print",
        "println",
        "printf",
        "\"%d %s %v %q %5.2x\"",
        "html",
        "urlquery",
        "split",
        "join",
        "splitkv",
        "joinkv",
        "default",
        "var",
        "capitalize",
        "lower",
        "upper",
        "replace",
        "trim",
        "indent",
        "match",
        "substr",
        "seq",
        "uniq",
        "append",
        "drop",
        "tojson",
        "include",
        "block",
        "\"\\x\"",
        "é",
    ])
}

/// Templates: text and actions, some of them the block keywords, so parses succeed
/// often and the executor and the functions run on odd arguments.
fn template_like() -> impl Strategy<Value = String> {
    let action =
        prop::collection::vec(word(), 0..6).prop_map(|w| format!("{{{{ {} }}}}", w.join(" ")));
    let block = prop::sample::select(vec![
        "{{ if .APP }}",
        "{{ if $x }}",
        "{{ with $.PORTS }}",
        "{{ else }}",
        "{{ else if 0 }}",
        "{{ end }}",
        "{{ range $i, $x := .PORTS | split \" \" }}",
        "{{ range $x := seq 3 }}",
        "{{ range 2 }}",
        "{{ break }}",
        "{{ continue }}",
        "{{ $x := .APP }}",
        "{{ $x = 2 }}",
        "{{- /* c */ -}}",
        "{{/* unterminated",
        "{{",
        "}}",
    ])
    .prop_map(str::to_string);
    let text =
        prop::sample::select(vec!["", "x", "\n", " ", "\n\n\n", "{"]).prop_map(str::to_string);
    let segment = prop_oneof![3 => action, 3 => block, 1 => text];
    prop::collection::vec(segment, 0..10).prop_map(|segments| segments.concat())
}

fn vars() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("APP".to_string(), "web".to_string()),
        (
            "PORTS".to_string(),
            "http:80:5000 https:443:5000".to_string(),
        ),
    ])
}

proptest! {
    #![proptest_config(crate::fuzzing::config(2048))]

    #[test]
    fn any_text_never_panics(text in ".{0,64}") {
        let _ = Template::parse("fuzz", &text);
    }

    #[test]
    fn template_like_text_parses_and_runs_without_panicking(text in template_like()) {
        if let Err(err) = render("fuzz", &text, &vars(), &|_| None) {
            prop_assert!(err.to_string().starts_with("template: fuzz:"), "{}", err);
        }
    }
}
