//! Byte offsets to 1-based line and character column: the one conversion every input
//! format's diagnostics use (TOML and JSON errors come as offsets, YAML nodes carry both).

/// Byte offsets of line starts, to turn many offsets of one text into line:col quickly.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based line and character column of a byte offset (clamped to the text, and to
    /// the character boundary at or before it).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let end = self.text.floor_char_boundary(offset.min(self.text.len()));
        (line, self.text[start..end.max(start)].chars().count() + 1)
    }
}

/// 1-based line and character column of one byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé\nd", 6), (2, 3));
        assert_eq!(line_col("x", 99), (1, 2));
    }

    #[test]
    fn line_index() {
        let li = LineIndex::new("ab\ncd\n");
        assert_eq!(li.line_col(0), (1, 1));
        assert_eq!(li.line_col(4), (2, 2));
    }
}
