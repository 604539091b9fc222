//! `column -t -s,`: the table layout of Dokku's help output.
//!
//! Each line is split at the separator (runs of separators count as one), every column
//! but the last is padded to its widest cell, columns are joined by two spaces, and
//! cells are not trimmed — so `    name, desc` keeps its leading indent and the space
//! after the comma, exactly as util-linux `column` prints it.

/// Lays out `lines` as a table split at `sep`.
pub(crate) fn columnize(lines: &[String], sep: char) -> Vec<String> {
    let rows: Vec<Vec<&str>> = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(sep).filter(|c| !c.is_empty()).collect())
        .collect();
    let mut widths: Vec<usize> = Vec::new();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            let w = cell.chars().count();
            match widths.get_mut(i) {
                Some(max) => *max = (*max).max(w),
                None => widths.push(w),
            }
        }
    }
    rows.iter()
        .map(|row| {
            let mut out = String::new();
            for (i, cell) in row.iter().enumerate() {
                out.push_str(cell);
                if i + 1 < row.len() {
                    let pad = widths[i] - cell.chars().count();
                    out.push_str(&" ".repeat(pad + 2));
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_util_linux_column() {
        let lines = vec![
            "    plugin, Manage installed plugins".to_string(),
            "    hello <app>, Says \"Hello <app>\"".to_string(),
        ];
        assert_eq!(
            columnize(&lines, ','),
            vec![
                "    plugin        Manage installed plugins",
                "    hello <app>   Says \"Hello <app>\""
            ]
        );
    }
}
