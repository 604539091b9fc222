use std::collections::BTreeMap;

use super::*;

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn run(text: &str, pairs: &[(&str, &str)]) -> String {
    render("t", text, &vars(pairs), &|k| {
        (k == "FROM_ENV").then(|| "env-value".to_string())
    })
    .unwrap_or_else(|e| panic!("render failed: {e}"))
}

fn fails(text: &str) -> String {
    render("t", text, &vars(&[("A", "a")]), &|_| None)
        .expect_err("should fail")
        .to_string()
}

#[test]
fn fields_dollar_and_missing_keys() {
    assert_eq!(run("{{ .APP }}-{{ $.APP }}", &[("APP", "web")]), "web-web");
    assert_eq!(run("[{{ .NOPE }}]", &[]), "[<no value>]");
    assert_eq!(run("{{ if .NOPE }}yes{{ else }}no{{ end }}", &[]), "no");
}

#[test]
fn dokkus_port_map_loop() {
    let text = r#"{{ range $port_map := .PROXY_PORT_MAP | split " " }}
{{ $port_map_list := $port_map | split ":" }}
{{ $scheme := index $port_map_list 0 }}
{{ $listen_port := index $port_map_list 1 }}
{{ $upstream_port := index $port_map_list 2 }}
{{ if eq $scheme "http" }}listen {{ $listen_port }} -> {{ $.APP }}-{{ $upstream_port }}
{{ else if eq $scheme "https"}}ssl {{ $listen_port }}{{ if (and (eq $listen_port "443") ($.SSL_INUSE)) }} in use{{ end }}
{{ end }}{{ end }}"#;
    let out = run(
        text,
        &[
            ("APP", "web"),
            ("PROXY_PORT_MAP", "http:80:5000 https:443:5000"),
            ("SSL_INUSE", "true"),
        ],
    );
    assert_eq!(out, "\nlisten 80 -> web-5000\n\nssl 443 in use\n");
}

#[test]
fn upstream_listeners_loop() {
    let text = "{{ range $upstream_port := $.PROXY_UPSTREAM_PORTS | split \" \" }}upstream {{ $.APP }}-{{ $upstream_port }} {\n{{ range $listeners := $.DOKKU_APP_WEB_LISTENERS | split \" \" }}{{ $listener_list := $listeners | split \":\" }}{{ $listener_ip := index $listener_list 0 }}  server {{ $listener_ip }}:{{ $upstream_port }};\n{{ end }}}\n{{ end }}";
    let out = run(
        text,
        &[
            ("APP", "web"),
            ("PROXY_UPSTREAM_PORTS", "5000"),
            ("DOKKU_APP_WEB_LISTENERS", "172.17.0.2:5000 172.17.0.3:5000"),
        ],
    );
    assert_eq!(
        out,
        "upstream web-5000 {\n  server 172.17.0.2:5000;\n  server 172.17.0.3:5000;\n}\n"
    );
}

#[test]
fn trim_markers_and_comments() {
    assert_eq!(run("a  {{- \"b\" -}}  \n c", &[]), "abc");
    assert_eq!(run("a {{/* gone */}} b", &[]), "a  b");
    assert_eq!(run("a {{- /* gone */ -}} b", &[]), "ab");
    // `{{-3}}` is the number -3, not a trim marker.
    assert_eq!(run("x{{-3}}", &[]), "x-3");
}

#[test]
fn variables_scope_and_assignment() {
    assert_eq!(
        run(
            "{{ $x := \"a\" }}{{ if true }}{{ $x = \"b\" }}{{ $y := 1 }}{{ end }}{{ $x }}",
            &[]
        ),
        "b"
    );
    assert!(fails("{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}").contains("undefined variable: $y"));
    assert_eq!(
        run("{{ with $v := .A }}{{ . }}{{ $v }}{{ end }}", &[("A", "q")]),
        "qq"
    );
    assert_eq!(run("{{ with .NOPE }}x{{ else }}none{{ end }}", &[]), "none");
}

#[test]
fn range_forms() {
    assert_eq!(
        run(
            "{{ range $i, $v := split \",\" \"a,b\" }}{{ $i }}={{ $v }};{{ end }}",
            &[]
        ),
        "0=a;1=b;"
    );
    assert_eq!(
        run("{{ range split \",\" \"a,b\" }}<{{ . }}>{{ end }}", &[]),
        "<a><b>"
    );
    assert_eq!(run("{{ range 3 }}{{ . }}{{ end }}", &[]), "012");
    assert_eq!(
        run("{{ range $x := seq 5 }}{{ if eq $x \"1\" }}{{ continue }}{{ end }}{{ if eq $x \"3\" }}{{ break }}{{ end }}{{ $x }}{{ end }}", &[]),
        "02"
    );
    assert_eq!(
        run("{{ range .NOPE }}x{{ else }}empty{{ end }}", &[]),
        "empty"
    );
    assert_eq!(
        run("{{ range $k, $v := splitkv \"=\" (split \" \" \"b=2 a=1\") }}{{ $k }}{{ $v }}{{ end }}", &[]),
        "a1b2"
    );
    // Go's strings.Split: an empty string is one empty element.
    assert_eq!(run("{{ len (split \" \" .E) }}", &[("E", "")]), "1");
}

#[test]
fn functions() {
    assert_eq!(
        run(
            "{{ \"a b\" | upper }} {{ lower \"X\" }} {{ capitalize \"hi there\" }}",
            &[]
        ),
        "A B x Hi There"
    );
    assert_eq!(run("{{ replace \".\" \"-\" \"a.b.c\" }}", &[]), "a-b-c");
    assert_eq!(
        run(
            "{{ trim \"  x \\n\" }}|{{ default \"d\" .NOPE }}|{{ default \"d\" \"v\" }}",
            &[]
        ),
        "x|d|v"
    );
    assert_eq!(
        run(
            "{{ var \"A\" }}/{{ var \"FROM_ENV\" }}/{{ var \"NONE\" }}",
            &[("A", "from-data")]
        ),
        "from-data/env-value/"
    );
    assert_eq!(run("{{ join \",\" (split \" \" \"a b\") }}", &[]), "a,b");
    assert_eq!(
        run("{{ printf \"%s:%d\" \"a\" 5 }} {{ print 1 2 \"x\" }}", &[]),
        "a:5 1 2x"
    );
    assert_eq!(
        run(
            "{{ if and (ne .A \"b\") (or \"\" .A) (not \"\") }}ok{{ end }}",
            &[("A", "a")]
        ),
        "ok"
    );
    assert_eq!(
        run(
            "{{ if eq .A \"x\" \"y\" \"a\" }}any{{ end }}",
            &[("A", "a")]
        ),
        "any"
    );
    assert_eq!(
        run(
            "{{ if lt 1 2 }}lt{{ end }}{{ if ge \"b\" \"a\" }}ge{{ end }}",
            &[]
        ),
        "ltge"
    );
    assert_eq!(run("{{ match \"*.example.com\" \"a.example.com\" }} {{ drop \"a*\" (split \" \" \"ab b\") }}", &[]), "true [b]");
    assert_eq!(run("{{ substr \"1:3\" \"hello\" }} {{ slice \"hello\" 1 2 }} {{ index (split \":\" \"a:b\") 1 }}", &[]), "el e b");
    assert_eq!(
        run(
            "{{ uniq (split \" \" \"a b a\") }} {{ append \"c\" (split \" \" \"a\") }}",
            &[]
        ),
        "[a b] [a c]"
    );
    assert_eq!(
        run("{{ html \"<a&b>\" }} {{ urlquery \"a b/c\" }}", &[]),
        "&lt;a&amp;b&gt; a+b%2Fc"
    );
    assert_eq!(run("{{ indent \"  \" \"a\\nb\" }}", &[]), "a\n  b");
    assert_eq!(
        run("{{ tojson (split \" \" \"a b\") }}", &[]),
        "[\"a\",\"b\"]"
    );
}

#[test]
fn errors_name_the_line_and_the_problem() {
    assert_eq!(
        fails("a\n{{ nope }}"),
        "template: t:2: function \"nope\" not defined"
    );
    assert!(fails("{{ if .A }}x").contains("if has no {{end}}"));
    assert!(fails("{{ end }}").contains("unexpected {{end}}"));
    assert!(fails("{{ include \"x\" }}").contains("not supported"));
    assert!(fails("{{ define \"x\" }}{{ end }}").contains("not supported"));
    assert!(fails("{{ index (split \":\" \"a\") 3 }}").contains("index out of range"));
    assert!(fails("{{ .A.B }}").contains("can't evaluate field B in type string"));
    assert!(fails("{{ .A \"x\" }}").contains("can't give argument to non-function .A"));
    assert!(fails("{{ \"unterminated }}").contains("unterminated quoted string"));
    assert!(fails("{{ break }}").contains("outside {{range}}"));
    assert!(fails("{{ range .A }}{{ end }}").contains("range can't iterate over a"));
}

#[test]
fn blank_lines_are_squeezed_like_cat_s() {
    assert_eq!(squeeze_blank_lines("a\n\n\n\nb\n\n"), "a\n\nb\n\n");
    assert_eq!(squeeze_blank_lines("\n\n  \n\n"), "\n  \n\n");
    assert_eq!(
        render(
            "t",
            "a\n{{ if false }}x{{ end }}\n\n\nb",
            &BTreeMap::new(),
            &|_| None
        )
        .expect("ok"),
        "a\n\nb"
    );
}

#[test]
fn data_keys_are_also_dollar_variables() {
    assert_eq!(
        run(
            "{{ if $IPS }}{{ range $ip := split \",\" $IPS }}allow {{ $ip }};{{ end }}{{ end }}",
            &[("IPS", "1.2.3.4,::1")]
        ),
        "allow 1.2.3.4;allow ::1;"
    );
    assert_eq!(
        run("{{ $A := \"shadow\" }}{{ $A }}/{{ .A }}", &[("A", "a")]),
        "shadow/a"
    );
    assert!(fails("{{ if $NOPE }}x{{ end }}").contains("undefined variable: $NOPE"));
}

#[test]
fn unsqueezed_keeps_blank_lines() {
    let out = render_unsqueezed("t", "a\n\n\n{{ $A }}\n", &vars(&[("A", "b")]), &|_| None);
    assert_eq!(out.expect("renders"), "a\n\n\nb\n");
}
