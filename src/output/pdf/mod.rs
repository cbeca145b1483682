//! PDF documents (docs/exports.md, "PDF"): a small document model (headings, paragraphs,
//! label/value lines and tables) laid out on A4 pages and written with `pdf-writer`.
//!
//! - Text stays text: the standard Helvetica fonts in WinAnsiEncoding, which every reader
//!   has and maps back to Unicode, so text is selectable and `pdftotext` reads it. A
//!   character WinAnsi lacks (CJK, Cyrillic, arrows) is drawn as `?` inside a marked-content
//!   span whose `/ActualText` carries the real character: the page shows the fallback,
//!   copying and searching yield the original text.
//! - Tables break across pages and repeat their header row on every page; a cell longer
//!   than [`MAX_CELL_LINES`] lines is cut with a line saying how much was left out, so a row
//!   always fits on one page.
//! - Deterministic: no creation date, no document ID, no random names; the same document
//!   gives the same bytes.

pub mod audit;
mod metrics;

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::io::Write as _;

/// One document: its title (also the `/Title` of the document information) and its blocks
/// in reading order.
#[derive(Debug, Default)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug)]
pub enum Block {
    /// A section heading; never left alone at the bottom of a page.
    Heading(String),
    /// Wrapped text.
    Paragraph(String),
    /// Label: value lines (labels bold, values wrapped beside them).
    Pairs(Vec<(String, String)>),
    Table(Table),
}

/// A table: each column's header and share of the page width, then the rows (one string per
/// cell; `\n` starts a new line inside a cell).
#[derive(Debug)]
pub struct Table {
    pub columns: Vec<(String, f32)>,
    pub rows: Vec<Vec<String>>,
}

/// A cell never takes more lines than this; the rest is summarised in one line.
pub const MAX_CELL_LINES: usize = 40;

// A4 portrait, in points.
const PAGE_W: f32 = 595.276;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 42.0;
const MARGIN_TOP: f32 = 48.0;
const MARGIN_BOTTOM: f32 = 54.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

const TITLE_SIZE: f32 = 16.0;
const HEADING_SIZE: f32 = 12.0;
const BODY_SIZE: f32 = 9.0;
const TABLE_SIZE: f32 = 7.5;
const FOOTER_SIZE: f32 = 7.5;
const CELL_PAD: f32 = 3.0;

fn leading(size: f32) -> f32 {
    size * 1.3
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    fn widths(self) -> &'static [u16; 256] {
        match self {
            Font::Regular => &metrics::HELVETICA,
            Font::Bold => &metrics::HELVETICA_BOLD,
        }
    }
}

/// The WinAnsi code of `c`, if WinAnsiEncoding has it.
fn win_ansi(c: char) -> Option<u8> {
    let u = u32::from(c);
    match u {
        0x20..=0x7E | 0xA0..=0xFF => u8::try_from(u).ok(),
        _ => metrics::WIN_ANSI_80
            .iter()
            .position(|&w| w == c && w != '\0')
            .and_then(|i| u8::try_from(0x80 + i).ok()),
    }
}

/// What `c` is drawn with: its own code, or `?` for a character outside WinAnsi.
fn glyph(c: char) -> u8 {
    win_ansi(c).unwrap_or(b'?')
}

fn text_width(text: &str, font: Font, size: f32) -> f32 {
    let widths = font.widths();
    let units: u32 = text
        .chars()
        .map(|c| u32::from(widths[usize::from(glyph(c))]))
        .sum();
    units as f32 * size / 1000.0
}

/// Characters that would act rather than read (escape sequences, bidirectional overrides)
/// are written as visible escapes, as every other human output writes them
/// (`escape::document`); tabs and carriage returns become spaces: nothing a file contains
/// can move the text or hide it.
fn clean(text: &str) -> String {
    crate::escape::document(text)
        .chars()
        .map(|c| if matches!(c, '\t' | '\r') { ' ' } else { c })
        .collect()
}

/// `text` wrapped into lines no wider than `max`: at spaces, and inside a word only when
/// the word alone is wider than a line (hashes, long identifiers).
fn wrap(text: &str, font: Font, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in clean(text).split('\n') {
        let mut line = String::new();
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, font, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word on its own line, broken by characters where it is too wide.
            for c in word.chars() {
                line.push(c);
                if text_width(&line, font, size) > max && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// At most [`MAX_CELL_LINES`] lines, the last saying how many were left out.
fn cap_lines(mut lines: Vec<String>) -> Vec<String> {
    if lines.len() > MAX_CELL_LINES {
        let cut = lines.len() - (MAX_CELL_LINES - 1);
        lines.truncate(MAX_CELL_LINES - 1);
        lines.push(format!(
            "… ({cut} more lines; the JSON report has them all)"
        ));
    }
    lines
}

/// What is drawn on a page, in page coordinates (origin bottom left).
enum Op {
    Text {
        x: f32,
        y: f32,
        font: Font,
        size: f32,
        text: String,
    },
    Fill {
        rect: [f32; 4],
        gray: f32,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        gray: f32,
    },
}

/// The pages being filled, top to bottom.
struct Layout {
    pages: Vec<Vec<Op>>,
    /// The baseline position of the next line's top on the current page.
    y: f32,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            pages: vec![Vec::new()],
            y: PAGE_H - MARGIN_TOP,
        }
    }

    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = PAGE_H - MARGIN_TOP;
    }

    fn room(&self) -> f32 {
        self.y - MARGIN_BOTTOM
    }

    /// Starts a new page unless `height` still fits on this one.
    fn ensure(&mut self, height: f32) {
        if self.room() < height && self.y < PAGE_H - MARGIN_TOP {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, font: Font, size: f32, text: String) {
        let y = self.y - size;
        self.page().push(Op::Text {
            x,
            y,
            font,
            size,
            text,
        });
    }

    fn lines(&mut self, x: f32, width: f32, font: Font, size: f32, text: &str) {
        for line in wrap(text, font, size, width) {
            self.ensure(leading(size));
            self.text(x, font, size, line);
            self.y -= leading(size);
        }
    }

    fn title(&mut self, title: &str) {
        self.lines(MARGIN_X, CONTENT_W, Font::Bold, TITLE_SIZE, title);
        self.y -= 6.0;
    }

    fn heading(&mut self, text: &str) {
        // A heading keeps at least three lines of what follows with it.
        self.ensure(leading(HEADING_SIZE) + 8.0 + 3.0 * leading(TABLE_SIZE) + 2.0 * CELL_PAD);
        self.y -= 8.0;
        self.lines(MARGIN_X, CONTENT_W, Font::Bold, HEADING_SIZE, text);
        self.y -= 2.0;
    }

    fn paragraph(&mut self, text: &str) {
        self.lines(MARGIN_X, CONTENT_W, Font::Regular, BODY_SIZE, text);
        self.y -= 4.0;
    }

    fn pairs(&mut self, pairs: &[(String, String)]) {
        let label_w = pairs
            .iter()
            .map(|(l, _)| text_width(l, Font::Bold, BODY_SIZE))
            .fold(0.0f32, f32::max)
            .min(CONTENT_W * 0.35)
            + 8.0;
        for (label, value) in pairs {
            let labels = wrap(label, Font::Bold, BODY_SIZE, label_w - 7.0);
            let values = wrap(value, Font::Regular, BODY_SIZE, CONTENT_W - label_w);
            let n = labels.len().max(values.len());
            self.ensure(n as f32 * leading(BODY_SIZE));
            let top = self.y;
            for (i, l) in labels.into_iter().enumerate() {
                self.y = top - i as f32 * leading(BODY_SIZE);
                self.text(MARGIN_X, Font::Bold, BODY_SIZE, l);
            }
            for (i, v) in values.into_iter().enumerate() {
                self.y = top - i as f32 * leading(BODY_SIZE);
                self.text(MARGIN_X + label_w, Font::Regular, BODY_SIZE, v);
            }
            self.y = top - n as f32 * leading(BODY_SIZE);
        }
        self.y -= 4.0;
    }

    fn table(&mut self, table: &Table) {
        let total: f32 = table.columns.iter().map(|(_, w)| w.max(0.0)).sum();
        let total = if total > 0.0 { total } else { 1.0 };
        let widths: Vec<f32> = table
            .columns
            .iter()
            .map(|(_, w)| w.max(0.0) / total * CONTENT_W)
            .collect();
        let header: Vec<Vec<String>> = table
            .columns
            .iter()
            .zip(&widths)
            .map(|((h, _), w)| wrap(h, Font::Bold, TABLE_SIZE, w - 2.0 * CELL_PAD))
            .collect();
        let row_height = |cells: &[Vec<String>]| {
            cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * leading(TABLE_SIZE)
                + 2.0 * CELL_PAD
        };
        let header_h = row_height(&header);
        let mut first = true;
        for row in &table.rows {
            let cells: Vec<Vec<String>> = widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let text = row.get(i).map(String::as_str).unwrap_or("");
                    cap_lines(wrap(text, Font::Regular, TABLE_SIZE, w - 2.0 * CELL_PAD))
                })
                .collect();
            let h = row_height(&cells);
            if first || self.room() < h {
                if first {
                    self.ensure(header_h + h);
                } else {
                    self.new_page();
                }
                self.row(&widths, &header, Font::Bold, header_h, Some(0.88));
                first = false;
            }
            self.row(&widths, &cells, Font::Regular, h, None);
        }
        if first {
            self.ensure(header_h);
            self.row(&widths, &header, Font::Bold, header_h, Some(0.88));
        }
        self.y -= 6.0;
    }

    fn row(
        &mut self,
        widths: &[f32],
        cells: &[Vec<String>],
        font: Font,
        h: f32,
        fill: Option<f32>,
    ) {
        let top = self.y;
        if let Some(gray) = fill {
            self.page().push(Op::Fill {
                rect: [MARGIN_X, top - h, CONTENT_W, h],
                gray,
            });
        }
        let mut x = MARGIN_X;
        for (cell, w) in cells.iter().zip(widths) {
            for (i, line) in cell.iter().enumerate() {
                self.y = top - CELL_PAD - i as f32 * leading(TABLE_SIZE);
                self.text(x + CELL_PAD, font, TABLE_SIZE, line.clone());
            }
            x += w;
        }
        self.y = top - h;
        let y = self.y;
        self.page().push(Op::Rule {
            x1: MARGIN_X,
            x2: MARGIN_X + CONTENT_W,
            y,
            gray: 0.75,
        });
    }
}

/// The document laid out and written as PDF bytes.
pub fn render(doc: &Document) -> Vec<u8> {
    let mut layout = Layout::new();
    layout.title(&doc.title);
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => layout.heading(h),
            Block::Paragraph(p) => layout.paragraph(p),
            Block::Pairs(p) => layout.pairs(p),
            Block::Table(t) => layout.table(t),
        }
    }
    write(&doc.title, layout.pages)
}

fn write(title: &str, pages: Vec<Vec<Op>>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let regular_id = Ref::new(3);
    let bold_id = Ref::new(4);
    let info_id = Ref::new(5);
    let first_page = 6;
    let page_count = pages.len();
    let page_ids: Vec<Ref> = (0..page_count)
        .map(|i| Ref::new(first_page + 2 * i as i32))
        .collect();

    pdf.catalog(catalog_id).pages(tree_id).lang(TextStr("en"));
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(page_count as i32);
    for (id, base) in [(regular_id, "Helvetica"), (bold_id, "Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.document_info(info_id)
        .title(TextStr(&clean(title)))
        .producer(TextStr(concat!("vigocli ", env!("CARGO_PKG_VERSION"))));

    for (i, ops) in pages.into_iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree_id)
            .contents(content_id);
        {
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Font::Regular.name(), regular_id);
            fonts.pair(Font::Bold.name(), bold_id);
        }
        page.finish();

        let mut content = Content::new();
        for op in &ops {
            draw(&mut content, op);
        }
        let footer = format!("Page {} of {page_count}", i + 1);
        draw(
            &mut content,
            &Op::Text {
                x: MARGIN_X,
                y: MARGIN_BOTTOM - 24.0,
                font: Font::Regular,
                size: FOOTER_SIZE,
                text: clean(title),
            },
        );
        draw(
            &mut content,
            &Op::Text {
                x: PAGE_W - MARGIN_X - text_width(&footer, Font::Regular, FOOTER_SIZE),
                y: MARGIN_BOTTOM - 24.0,
                font: Font::Regular,
                size: FOOTER_SIZE,
                text: footer,
            },
        );
        let raw = content.finish();
        pdf.stream(content_id, &deflate(&raw))
            .filter(Filter::FlateDecode);
    }
    pdf.finish()
}

/// zlib at a fixed level: the same content, the same bytes.
fn deflate(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

fn draw(content: &mut Content, op: &Op) {
    match op {
        Op::Fill { rect, gray } => {
            content.save_state();
            content.set_fill_gray(*gray);
            content.rect(rect[0], rect[1], rect[2], rect[3]);
            content.fill_nonzero();
            content.restore_state();
        }
        Op::Rule { x1, x2, y, gray } => {
            content.save_state();
            content.set_stroke_gray(*gray);
            content.set_line_width(0.4);
            content.move_to(*x1, *y);
            content.line_to(*x2, *y);
            content.stroke();
            content.restore_state();
        }
        Op::Text {
            x,
            y,
            font,
            size,
            text,
        } => {
            if text.is_empty() {
                return;
            }
            content.begin_text();
            content.set_font(font.name(), *size);
            content.next_line(*x, *y);
            show(content, text);
            content.end_text();
        }
    }
}

/// Shows `text`: runs of WinAnsi characters as they are, every other character as `?` in a
/// span whose `/ActualText` is the character itself.
fn show(content: &mut Content, text: &str) {
    let mut run: Vec<u8> = Vec::new();
    for c in text.chars() {
        match win_ansi(c) {
            Some(code) => run.push(code),
            None => {
                if !run.is_empty() {
                    content.show(Str(&run));
                    run.clear();
                }
                let mut buf = [0u8; 4];
                content
                    .begin_marked_content_with_properties(Name(b"Span"))
                    .properties()
                    .actual_text(TextStr(c.encode_utf8(&mut buf)));
                content.show(Str(b"?"));
                content.end_marked_content();
            }
        }
    }
    if !run.is_empty() {
        content.show(Str(&run));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_ansi_covers_latin1_and_the_windows_extras_only() {
        assert_eq!(win_ansi('A'), Some(b'A'));
        assert_eq!(win_ansi('é'), Some(0xE9));
        assert_eq!(win_ansi('×'), Some(0xD7));
        assert_eq!(win_ansi('€'), Some(0x80));
        assert_eq!(win_ansi('—'), Some(0x97));
        assert_eq!(win_ansi('→'), None);
        assert_eq!(win_ansi('東'), None);
        assert_eq!(win_ansi('\0'), None);
    }

    #[test]
    fn wrapping_keeps_every_word_and_breaks_long_ones() {
        let text = "a b c ".repeat(40) + &"x".repeat(200);
        let lines = wrap(&text, Font::Regular, 9.0, 100.0);
        assert!(
            lines
                .iter()
                .all(|l| text_width(l, Font::Regular, 9.0) <= 100.0)
        );
        let joined: String = lines.concat();
        assert_eq!(joined.matches('x').count(), 200);
        assert_eq!(joined.matches('a').count(), 40);
    }

    #[test]
    fn long_cells_are_capped_and_say_so() {
        let lines = cap_lines((0..100).map(|i| i.to_string()).collect());
        assert_eq!(lines.len(), MAX_CELL_LINES);
        assert!(lines[MAX_CELL_LINES - 1].contains("61 more lines"));
    }

    #[test]
    fn tables_repeat_their_header_on_every_page() {
        let doc = Document {
            title: "T".into(),
            blocks: vec![Block::Table(Table {
                columns: vec![("ID".into(), 1.0), ("Title".into(), 3.0)],
                rows: (0..300)
                    .map(|i| vec![format!("C-{i}"), "x".into()])
                    .collect(),
            })],
        };
        let mut layout = Layout::new();
        layout.title(&doc.title);
        if let Block::Table(t) = &doc.blocks[0] {
            layout.table(t);
        }
        assert!(layout.pages.len() > 2);
        for page in &layout.pages {
            let headers = page
                .iter()
                .filter(|op| matches!(op, Op::Text { text, font: Font::Bold, .. } if text == "ID"))
                .count();
            assert_eq!(headers, 1);
        }
        assert_eq!(render(&doc), render(&doc));
    }
}
