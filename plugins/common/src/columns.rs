//! Go's `columnize` (`SimpleFormat`), as Dokku's tables print: every column but the
//! last padded to its widest cell, two spaces between columns.

/// The rows laid out as a table, one line each, trailing spaces trimmed. Widths count
/// characters, not bytes.
pub fn align<S: AsRef<str>>(rows: &[Vec<S>]) -> Vec<String> {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let w = cell.as_ref().chars().count();
            match widths.get_mut(i) {
                Some(max) => *max = (*max).max(w),
                None => widths.push(w),
            }
        }
    }
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                let cell = cell.as_ref();
                line.push_str(cell);
                if i + 1 < row.len() {
                    let pad = widths[i] - cell.chars().count();
                    line.push_str(&" ".repeat(pad + 2));
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::align;

    #[test]
    fn all_but_the_last_column_are_padded() {
        let rows = vec![
            vec!["ID", "STATUS", "NOTE"],
            vec!["abcdef", "ok", ""],
            vec!["é", "running", "x"],
        ];
        assert_eq!(
            align(&rows),
            ["ID      STATUS   NOTE", "abcdef  ok", "é       running  x"]
        );
    }
}
