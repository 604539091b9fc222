//! Lexing and parsing: template text into a tree of nodes.

use super::SigilError;

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    pub(super) name: String,
    pub(super) root: Vec<Node>,
}

#[derive(Debug, Clone)]
pub(super) enum Node {
    Text(String),
    Action(Pipeline),
    If {
        branches: Vec<(Pipeline, Vec<Node>)>,
        otherwise: Option<Vec<Node>>,
    },
    With {
        branches: Vec<(Pipeline, Vec<Node>)>,
        otherwise: Option<Vec<Node>>,
    },
    Range {
        pipe: Pipeline,
        body: Vec<Node>,
        otherwise: Option<Vec<Node>>,
    },
    Break,
    Continue,
}

#[derive(Debug, Clone)]
pub(super) struct Pipeline {
    pub(super) line: usize,
    /// Declared or assigned variables (`$x :=`, `$i, $v :=`, `$x =`).
    pub(super) vars: Vec<String>,
    /// `=` rather than `:=`.
    pub(super) assign: bool,
    pub(super) commands: Vec<Vec<Operand>>,
}

#[derive(Debug, Clone)]
pub(super) enum Operand {
    /// A function name.
    Func(String),
    /// `.A.B` (empty for `.`).
    Field(Vec<String>),
    /// `$x.A.B` (`$` for the data).
    Var(String, Vec<String>),
    Str(String),
    Int(i64),
    Bool(bool),
    Nil,
    /// `(pipeline).A.B`.
    Sub(Box<Pipeline>, Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Var(String, Vec<String>),
    Field(Vec<String>),
    Str(String),
    Int(i64),
    LParen,
    RParen(Vec<String>),
    Pipe,
    Declare,
    Assign,
    Comma,
}

/// One piece of the source: text, or the tokens of one action.
enum Item {
    Text(String),
    Action { line: usize, toks: Vec<Tok> },
}

fn err(name: &str, line: usize, message: impl Into<String>) -> SigilError {
    SigilError {
        name: name.to_string(),
        line,
        message: message.into(),
    }
}

impl Template {
    /// Parses `text`; `name` appears in error messages.
    pub fn parse(name: &str, text: &str) -> Result<Template, SigilError> {
        let items = lex(name, text)?;
        let mut parser = Parser {
            name,
            items: items.into_iter().peekable(),
            loops: 0,
            pending_else: None,
        };
        let (root, stop) = parser.nodes()?;
        if let Some((word, line)) = stop {
            return Err(err(name, line, format!("unexpected {{{{{word}}}}}")));
        }
        Ok(Template {
            name: name.to_string(),
            root,
        })
    }
}

fn lex(name: &str, text: &str) -> Result<Vec<Item>, SigilError> {
    let mut items = Vec::new();
    let mut rest = text;
    let mut line = 1;
    let mut trim_next = false;
    while !rest.is_empty() {
        let Some(start) = rest.find("{{") else {
            let mut t = rest.to_string();
            if trim_next {
                t = t.trim_start().to_string();
            }
            items.push(Item::Text(t));
            break;
        };
        let mut before = rest[..start].to_string();
        line += before.matches('\n').count();
        if trim_next {
            before = before.trim_start().to_string();
        }
        let mut body = &rest[start + 2..];
        let trim_left = body.starts_with('-') && body[1..].starts_with(char::is_whitespace);
        if trim_left {
            before = before.trim_end().to_string();
            body = &body[1..];
        }
        if !before.is_empty() {
            items.push(Item::Text(before));
        }
        let action_line = line;
        let (toks, consumed, trim_right) = lex_action(name, body, action_line)?;
        line += body[..consumed].matches('\n').count();
        if let Some(toks) = toks {
            items.push(Item::Action {
                line: action_line,
                toks,
            });
        }
        trim_next = trim_right;
        rest = &body[consumed..];
    }
    Ok(items)
}

/// Lexes one action body (after `{{` and a left trim marker). Returns the tokens
/// (`None` for a comment), how many bytes were used including `}}`, and whether a
/// right trim marker was present.
#[allow(clippy::type_complexity)]
fn lex_action(
    name: &str,
    body: &str,
    line: usize,
) -> Result<(Option<Vec<Tok>>, usize, bool), SigilError> {
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    let trimmed = body.trim_start();
    if trimmed.starts_with("/*") {
        let open = body.len() - trimmed.len();
        let Some(close) = body[open..].find("*/") else {
            return Err(err(name, line, "unclosed comment"));
        };
        let after = open + close + 2;
        let tail = &body[after..];
        let tail_trimmed = tail.trim_start();
        let (trim_right, skip) = if let Some(r) = tail_trimmed.strip_prefix("-}}") {
            (true, tail.len() - r.len())
        } else if let Some(r) = tail_trimmed.strip_prefix("}}") {
            (false, tail.len() - r.len())
        } else {
            return Err(err(name, line, "comment ends before closing delimiter"));
        };
        return Ok((None, after + skip, trim_right));
    }
    let mut toks = Vec::new();
    let mut i = 0;
    let byte_at = |i: usize| chars.get(i).map(|c| c.0).unwrap_or(body.len());
    while i < chars.len() {
        let c = chars[i].1;
        let rest = &body[byte_at(i)..];
        if rest.starts_with("}}") {
            return Ok((Some(toks), byte_at(i) + 2, false));
        }
        if c.is_whitespace() {
            let ws_end = rest
                .find(|ch: char| !ch.is_whitespace())
                .unwrap_or(rest.len());
            let after = &rest[ws_end..];
            if let Some(r) = after.strip_prefix("-}}") {
                return Ok((Some(toks), body.len() - r.len(), true));
            }
            i += rest[..ws_end].chars().count();
            continue;
        }
        match c {
            '(' => {
                toks.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                i += 1;
                let (fields, used) = field_chain(&chars, i);
                i += used;
                toks.push(Tok::RParen(fields));
            }
            '|' => {
                toks.push(Tok::Pipe);
                i += 1;
            }
            ',' => {
                toks.push(Tok::Comma);
                i += 1;
            }
            ':' if rest.starts_with(":=") => {
                toks.push(Tok::Declare);
                i += 2;
            }
            '=' => {
                toks.push(Tok::Assign);
                i += 1;
            }
            '"' => {
                let (s, used) = quoted(name, line, &chars[i + 1..])?;
                toks.push(Tok::Str(s));
                i += used + 1;
            }
            '`' => {
                let Some(end) = rest[1..].find('`') else {
                    return Err(err(name, line, "unterminated raw quoted string"));
                };
                toks.push(Tok::Str(rest[1..1 + end].to_string()));
                i += rest[..end + 2].chars().count();
            }
            '\'' => {
                let (s, used) = quoted(name, line, &chars[i + 1..])?;
                let mut cs = s.chars();
                match (cs.next(), cs.next()) {
                    (Some(ch), None) => toks.push(Tok::Int(ch as i64)),
                    _ => return Err(err(name, line, "malformed character constant")),
                }
                i += used + 1;
            }
            '$' => {
                let (ident, used) = ident_at(&chars, i + 1);
                i += 1 + used;
                let (fields, more) = field_chain(&chars, i);
                i += more;
                let var = if ident.is_empty() {
                    "$".to_string()
                } else {
                    format!("${ident}")
                };
                toks.push(Tok::Var(var, fields));
            }
            '.' => {
                let (fields, used) = field_chain(&chars, i);
                if used == 0 {
                    // A lone dot.
                    toks.push(Tok::Field(Vec::new()));
                    i += 1;
                } else {
                    toks.push(Tok::Field(fields));
                    i += used;
                }
            }
            '-' | '+' | '0'..='9' => {
                let end = rest
                    .char_indices()
                    .skip(1)
                    .find(|(_, ch)| !(ch.is_ascii_alphanumeric() || *ch == '_' || *ch == '.'))
                    .map(|(p, _)| p)
                    .unwrap_or(rest.len());
                let word = &rest[..end];
                let parsed = parse_int(word)
                    .ok_or_else(|| err(name, line, format!("bad number syntax: {word:?}")))?;
                toks.push(Tok::Int(parsed));
                i += word.chars().count();
            }
            c if c.is_alphabetic() || c == '_' => {
                let (ident, used) = ident_at(&chars, i);
                toks.push(Tok::Ident(ident));
                i += used;
            }
            other => return Err(err(name, line, format!("unexpected {other:?} in command"))),
        }
    }
    Err(err(name, line, "unclosed action"))
}

fn parse_int(word: &str) -> Option<i64> {
    let (neg, digits) = match word.as_bytes().first()? {
        b'-' => (true, &word[1..]),
        b'+' => (false, &word[1..]),
        _ => (false, word),
    };
    let digits = digits.replace('_', "");
    let value = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        i64::from_str_radix(oct, 8).ok()?
    } else {
        digits.parse::<i64>().ok()?
    };
    Some(if neg { -value } else { value })
}

fn ident_at(chars: &[(usize, char)], start: usize) -> (String, usize) {
    let ident: String = chars[start.min(chars.len())..]
        .iter()
        .map(|c| c.1)
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let n = ident.chars().count();
    (ident, n)
}

/// `.A.B` starting at `start`: the names and how many chars they used.
fn field_chain(chars: &[(usize, char)], start: usize) -> (Vec<String>, usize) {
    let mut fields = Vec::new();
    let mut i = start;
    while chars.get(i).map(|c| c.1) == Some('.') {
        let (ident, used) = ident_at(chars, i + 1);
        if ident.is_empty() {
            break;
        }
        fields.push(ident);
        i += 1 + used;
    }
    (fields, i - start)
}

/// A double-quoted string body (after the opening quote): its value and the chars used
/// including the closing quote.
fn quoted(name: &str, line: usize, chars: &[(usize, char)]) -> Result<(String, usize), SigilError> {
    let mut out = String::new();
    let mut i = 0;
    let close = |c: char| c == '"' || c == '\'';
    while i < chars.len() {
        let c = chars[i].1;
        if close(c) {
            return Ok((out, i + 1));
        }
        if c == '\n' {
            break;
        }
        if c == '\\' {
            i += 1;
            let Some(&(_, e)) = chars.get(i) else { break };
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                '\'' => out.push('\''),
                '0' => out.push('\0'),
                'x' => {
                    let hex: String = chars[i + 1..].iter().take(2).map(|c| c.1).collect();
                    let code = u8::from_str_radix(&hex, 16)
                        .map_err(|_| err(name, line, "bad escape in quoted string"))?;
                    out.push(code as char);
                    i += 2;
                }
                _ => return Err(err(name, line, "bad escape in quoted string")),
            }
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    Err(err(name, line, "unterminated quoted string"))
}

struct Parser<'a> {
    name: &'a str,
    items: std::iter::Peekable<std::vec::IntoIter<Item>>,
    /// How many `range` bodies enclose the current position.
    loops: usize,
    /// The tokens after `else` in the action that stopped the last node list.
    pending_else: Option<Vec<Tok>>,
}

/// The keyword that ended a node list (`end` or `else`) and its line.
type Stop = (String, usize);

impl Parser<'_> {
    fn err(&self, line: usize, message: impl Into<String>) -> SigilError {
        err(self.name, line, message)
    }

    /// Nodes up to (not including) an `end` or `else`; returns which one stopped it.
    fn nodes(&mut self) -> Result<(Vec<Node>, Option<Stop>), SigilError> {
        let mut nodes = Vec::new();
        while let Some(item) = self.items.next() {
            let (line, toks) = match item {
                Item::Text(t) => {
                    nodes.push(Node::Text(t));
                    continue;
                }
                Item::Action { line, toks } => (line, toks),
            };
            let keyword = match toks.first() {
                Some(Tok::Ident(w)) => w.as_str(),
                _ => "",
            };
            match keyword {
                "end" => {
                    if toks.len() > 1 {
                        return Err(self.err(line, "unexpected tokens after end"));
                    }
                    return Ok((nodes, Some(("end".into(), line))));
                }
                "else" => {
                    // Leave the tokens for the caller: push the action back.
                    self.pending_else = Some(toks[1..].to_vec());
                    return Ok((nodes, Some(("else".into(), line))));
                }
                "if" | "with" => {
                    nodes.push(self.conditional(keyword, line, toks[1..].to_vec())?);
                }
                "range" => {
                    let pipe = self.pipeline(line, &toks[1..], true)?;
                    self.loops += 1;
                    let (body, stop) = self.nodes()?;
                    self.loops -= 1;
                    let otherwise = match stop {
                        Some((w, _)) if w == "end" => None,
                        Some((w, l)) if w == "else" => {
                            let rest = self.pending_else.take().unwrap_or_default();
                            if !rest.is_empty() {
                                return Err(self.err(l, "range can only be followed by {{else}}"));
                            }
                            let (other, stop) = self.nodes()?;
                            self.expect_end(stop, line, "range")?;
                            Some(other)
                        }
                        _ => return Err(self.err(line, "unexpected EOF: range has no {{end}}")),
                    };
                    nodes.push(Node::Range {
                        pipe,
                        body,
                        otherwise,
                    });
                }
                "break" | "continue" => {
                    if self.loops == 0 {
                        return Err(
                            self.err(line, format!("{{{{{keyword}}}}} outside {{{{range}}}}"))
                        );
                    }
                    nodes.push(if keyword == "break" {
                        Node::Break
                    } else {
                        Node::Continue
                    });
                }
                "define" | "template" | "block" => {
                    return Err(self.err(
                        line,
                        format!(
                            "{{{{{keyword}}}}} is not supported by this dokku's template engine"
                        ),
                    ));
                }
                _ => nodes.push(Node::Action(self.pipeline(line, &toks, true)?)),
            }
        }
        Ok((nodes, None))
    }

    fn expect_end(&self, stop: Option<Stop>, line: usize, what: &str) -> Result<(), SigilError> {
        match stop {
            Some((w, _)) if w == "end" => Ok(()),
            Some((_, l)) => Err(self.err(l, format!("expected {{{{end}}}} for {what}"))),
            None => Err(self.err(line, format!("unexpected EOF: {what} has no {{{{end}}}}"))),
        }
    }

    /// `if` / `with` with their `else if` / `else with` chains and `else`.
    fn conditional(
        &mut self,
        keyword: &str,
        line: usize,
        toks: Vec<Tok>,
    ) -> Result<Node, SigilError> {
        let mut branches = Vec::new();
        let mut otherwise = None;
        let mut pipe_toks = toks;
        let mut pipe_line = line;
        loop {
            let pipe = self.pipeline(pipe_line, &pipe_toks, true)?;
            let (body, stop) = self.nodes()?;
            branches.push((pipe, body));
            match stop {
                Some((w, _)) if w == "end" => break,
                Some((w, l)) if w == "else" => {
                    let rest = self.pending_else.take().unwrap_or_default();
                    match rest.first() {
                        None => {
                            let (other, stop) = self.nodes()?;
                            self.expect_end(stop, line, keyword)?;
                            otherwise = Some(other);
                            break;
                        }
                        Some(Tok::Ident(w)) if w == keyword => {
                            pipe_toks = rest[1..].to_vec();
                            pipe_line = l;
                        }
                        _ => {
                            return Err(self.err(
                                l,
                                format!("{{{{else ...}}}} after {keyword} must be {{{{else {keyword} ...}}}}"),
                            ))
                        }
                    }
                }
                _ => {
                    return Err(self.err(
                        line,
                        format!("unexpected EOF: {keyword} has no {{{{end}}}}"),
                    ))
                }
            }
        }
        Ok(if keyword == "if" {
            Node::If {
                branches,
                otherwise,
            }
        } else {
            Node::With {
                branches,
                otherwise,
            }
        })
    }

    fn pipeline(
        &self,
        line: usize,
        toks: &[Tok],
        allow_decl: bool,
    ) -> Result<Pipeline, SigilError> {
        let mut vars = Vec::new();
        let mut assign = false;
        let mut rest = toks;
        if allow_decl {
            if let Some(Tok::Var(first, f)) = toks.first() {
                if f.is_empty() {
                    match toks.get(1) {
                        Some(Tok::Declare) | Some(Tok::Assign) => {
                            assign = toks[1] == Tok::Assign;
                            vars.push(first.clone());
                            rest = &toks[2..];
                        }
                        Some(Tok::Comma) => {
                            if let (Some(Tok::Var(second, f2)), Some(op)) =
                                (toks.get(2), toks.get(3))
                            {
                                if f2.is_empty() && (*op == Tok::Declare || *op == Tok::Assign) {
                                    assign = *op == Tok::Assign;
                                    vars.push(first.clone());
                                    vars.push(second.clone());
                                    rest = &toks[4..];
                                }
                            }
                            if vars.is_empty() {
                                return Err(self.err(line, "too many declarations in command"));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if vars.iter().any(|v| v == "$") {
            return Err(self.err(line, "cannot assign to $"));
        }
        let mut commands = Vec::new();
        let mut current = Vec::new();
        let mut i = 0;
        while i < rest.len() {
            match &rest[i] {
                Tok::Pipe => {
                    if current.is_empty() {
                        return Err(self.err(line, "missing command before |"));
                    }
                    commands.push(std::mem::take(&mut current));
                    i += 1;
                }
                Tok::LParen => {
                    let close = matching_paren(rest, i)
                        .ok_or_else(|| self.err(line, "unclosed left paren"))?;
                    let fields = match &rest[close] {
                        Tok::RParen(f) => f.clone(),
                        _ => Vec::new(),
                    };
                    let inner = self.pipeline(line, &rest[i + 1..close], false)?;
                    current.push(Operand::Sub(Box::new(inner), fields));
                    i = close + 1;
                }
                Tok::RParen(_) => return Err(self.err(line, "unexpected right paren")),
                Tok::Declare | Tok::Assign | Tok::Comma => {
                    return Err(self.err(line, "unexpected declaration in command"))
                }
                tok => {
                    current.push(self.operand(line, tok)?);
                    i += 1;
                }
            }
        }
        if current.is_empty() {
            return Err(self.err(line, "missing value for command"));
        }
        commands.push(current);
        Ok(Pipeline {
            line,
            vars,
            assign,
            commands,
        })
    }

    fn operand(&self, line: usize, tok: &Tok) -> Result<Operand, SigilError> {
        Ok(match tok {
            Tok::Ident(w) => match w.as_str() {
                "true" => Operand::Bool(true),
                "false" => Operand::Bool(false),
                "nil" => Operand::Nil,
                "if" | "else" | "end" | "range" | "with" | "define" | "template" | "block"
                | "break" | "continue" => {
                    return Err(self.err(line, format!("unexpected {w} in operand")))
                }
                _ => Operand::Func(w.clone()),
            },
            Tok::Var(name, fields) => Operand::Var(name.clone(), fields.clone()),
            Tok::Field(fields) => Operand::Field(fields.clone()),
            Tok::Str(s) => Operand::Str(s.clone()),
            Tok::Int(i) => Operand::Int(*i),
            _ => return Err(self.err(line, "unexpected token in operand")),
        })
    }
}

fn matching_paren(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::LParen => depth += 1,
            Tok::RParen(_) => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}
