//! Executing a parsed template against its data.

use super::funcs::{self, Ctx};
use super::parse::{Node, Operand, Pipeline, Template};
use super::{EnvLookup, SigilError, Value};

/// How a node list ended.
enum Flow {
    Normal,
    Break,
    Continue,
}

struct State<'a> {
    name: &'a str,
    ctx: Ctx<'a>,
    vars: Vec<(String, Value)>,
    out: String,
}

impl Template {
    /// Renders the template with `data` as `.` and `$`; `env` answers `var` for names
    /// the data does not have.
    pub fn execute(&self, data: &Value, env: &EnvLookup<'_>) -> Result<String, SigilError> {
        self.execute_with_vars(data, env, Vec::new())
    }

    /// [`Template::execute`] with `vars` (named with their `$`, like `$KEY`) declared
    /// before the template's first action, as sigil declares its `KEY=value`
    /// arguments.
    pub fn execute_with_vars(
        &self,
        data: &Value,
        env: &EnvLookup<'_>,
        vars: Vec<(String, Value)>,
    ) -> Result<String, SigilError> {
        let mut declared = vec![("$".to_string(), data.clone())];
        declared.extend(vars);
        let mut state = State {
            name: &self.name,
            ctx: Ctx { root: data, env },
            vars: declared,
            out: String::new(),
        };
        state.walk(&self.root, data)?;
        Ok(state.out)
    }
}

impl State<'_> {
    fn err(&self, line: usize, message: impl Into<String>) -> SigilError {
        SigilError {
            name: self.name.to_string(),
            line,
            message: message.into(),
        }
    }

    fn walk(&mut self, nodes: &[Node], dot: &Value) -> Result<Flow, SigilError> {
        for node in nodes {
            let flow = match node {
                Node::Text(text) => {
                    self.out.push_str(text);
                    Flow::Normal
                }
                Node::Action(pipe) => {
                    let value = self.pipeline(pipe, dot)?;
                    if pipe.vars.is_empty() {
                        self.out.push_str(&value.to_string());
                    }
                    Flow::Normal
                }
                Node::If {
                    branches,
                    otherwise,
                } => self.conditional(branches, otherwise.as_deref(), dot, false)?,
                Node::With {
                    branches,
                    otherwise,
                } => self.conditional(branches, otherwise.as_deref(), dot, true)?,
                Node::Range {
                    pipe,
                    body,
                    otherwise,
                } => self.range(pipe, body, otherwise.as_deref(), dot)?,
                Node::Break => Flow::Break,
                Node::Continue => Flow::Continue,
            };
            if !matches!(flow, Flow::Normal) {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn conditional(
        &mut self,
        branches: &[(Pipeline, Vec<Node>)],
        otherwise: Option<&[Node]>,
        dot: &Value,
        with: bool,
    ) -> Result<Flow, SigilError> {
        let mark = self.vars.len();
        let mut flow = Flow::Normal;
        let mut taken = false;
        for (pipe, body) in branches {
            let value = self.pipeline(pipe, dot)?;
            if value.truthy() {
                let inner = if with { value } else { dot.clone() };
                flow = self.walk(body, &inner)?;
                taken = true;
                break;
            }
        }
        if !taken {
            if let Some(nodes) = otherwise {
                flow = self.walk(nodes, dot)?;
            }
        }
        self.vars.truncate(mark);
        Ok(flow)
    }

    fn range(
        &mut self,
        pipe: &Pipeline,
        body: &[Node],
        otherwise: Option<&[Node]>,
        dot: &Value,
    ) -> Result<Flow, SigilError> {
        let value = self.commands(pipe, dot)?;
        let pairs: Vec<(Value, Value)> = match value {
            Value::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Int(i as i64), v))
                .collect(),
            Value::Map(map) => map.into_iter().map(|(k, v)| (Value::Str(k), v)).collect(),
            Value::Int(n) => (0..n.max(0))
                .map(|i| (Value::Int(i), Value::Int(i)))
                .collect(),
            Value::Nil => Vec::new(),
            other => return Err(self.err(pipe.line, format!("range can't iterate over {other}"))),
        };
        if pairs.is_empty() {
            if let Some(nodes) = otherwise {
                return self.walk(nodes, dot);
            }
            return Ok(Flow::Normal);
        }
        for (key, item) in pairs {
            let mark = self.vars.len();
            match pipe.vars.as_slice() {
                [] => {}
                [one] => self.vars.push((one.clone(), item.clone())),
                [k, v, ..] => {
                    self.vars.push((k.clone(), key));
                    self.vars.push((v.clone(), item.clone()));
                }
            }
            let flow = self.walk(body, &item)?;
            self.vars.truncate(mark);
            if matches!(flow, Flow::Break) {
                break;
            }
        }
        Ok(Flow::Normal)
    }

    /// Runs a pipeline and applies its declaration or assignment.
    fn pipeline(&mut self, pipe: &Pipeline, dot: &Value) -> Result<Value, SigilError> {
        let value = self.commands(pipe, dot)?;
        match pipe.vars.as_slice() {
            [] => {}
            [name] => {
                if pipe.assign {
                    let slot = self
                        .vars
                        .iter_mut()
                        .rev()
                        .find(|(n, _)| n == name)
                        .ok_or_else(|| SigilError {
                            name: self.name.to_string(),
                            line: pipe.line,
                            message: format!("undefined variable: {name}"),
                        })?;
                    slot.1 = value.clone();
                } else {
                    self.vars.push((name.clone(), value.clone()));
                }
            }
            _ => return Err(self.err(pipe.line, "too many declarations in command")),
        }
        Ok(value)
    }

    /// Runs a pipeline's commands, each one's result fed as the last argument of the
    /// next.
    fn commands(&mut self, pipe: &Pipeline, dot: &Value) -> Result<Value, SigilError> {
        let mut last: Option<Value> = None;
        for command in &pipe.commands {
            last = Some(self.command(command, dot, last, pipe.line)?);
        }
        Ok(last.unwrap_or(Value::Nil))
    }

    fn command(
        &mut self,
        command: &[Operand],
        dot: &Value,
        piped: Option<Value>,
        line: usize,
    ) -> Result<Value, SigilError> {
        match command.first() {
            Some(Operand::Func(name)) => {
                let mut args = Vec::with_capacity(command.len());
                for operand in &command[1..] {
                    args.push(self.operand(operand, dot, line)?);
                }
                if let Some(value) = piped {
                    args.push(value);
                }
                funcs::call(&self.ctx, name, args).map_err(|e| self.err(line, e))
            }
            Some(first) => {
                if command.len() > 1 || piped.is_some() {
                    return Err(self.err(
                        line,
                        format!("can't give argument to non-function {}", describe(first)),
                    ));
                }
                self.operand(first, dot, line)
            }
            None => Err(self.err(line, "empty command")),
        }
    }

    fn operand(
        &mut self,
        operand: &Operand,
        dot: &Value,
        line: usize,
    ) -> Result<Value, SigilError> {
        match operand {
            Operand::Func(name) => {
                funcs::call(&self.ctx, name, Vec::new()).map_err(|e| self.err(line, e))
            }
            Operand::Field(path) => self.fields(dot.clone(), path, line),
            Operand::Var(name, path) => {
                let value = self
                    .vars
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| self.err(line, format!("undefined variable: {name}")))?;
                self.fields(value, path, line)
            }
            Operand::Str(s) => Ok(Value::Str(s.clone())),
            Operand::Int(i) => Ok(Value::Int(*i)),
            Operand::Bool(b) => Ok(Value::Bool(*b)),
            Operand::Nil => Ok(Value::Nil),
            Operand::Sub(pipe, path) => {
                let mark = self.vars.len();
                let value = self.pipeline(pipe, dot);
                self.vars.truncate(mark);
                self.fields(value?, path, line)
            }
        }
    }

    fn fields(&self, mut value: Value, path: &[String], line: usize) -> Result<Value, SigilError> {
        for field in path {
            value = match value {
                Value::Map(mut map) => map.remove(field).unwrap_or(Value::Nil),
                Value::Nil => {
                    return Err(self.err(
                        line,
                        format!("nil pointer evaluating interface {{}}.{field}"),
                    ))
                }
                other => {
                    return Err(self.err(
                        line,
                        format!("can't evaluate field {field} in type {}", other.type_name()),
                    ))
                }
            };
        }
        Ok(value)
    }
}

fn describe(operand: &Operand) -> String {
    match operand {
        Operand::Field(path) if path.is_empty() => ".".into(),
        Operand::Field(path) => format!(".{}", path.join(".")),
        Operand::Var(name, path) if path.is_empty() => name.clone(),
        Operand::Var(name, path) => format!("{name}.{}", path.join(".")),
        Operand::Str(s) => format!("{s:?}"),
        Operand::Int(i) => i.to_string(),
        Operand::Bool(b) => b.to_string(),
        Operand::Nil => "nil".into(),
        Operand::Func(f) => f.clone(),
        Operand::Sub(..) => "(...)".into(),
    }
}
