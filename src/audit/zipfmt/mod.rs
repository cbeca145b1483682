//! The one zip layout vigocli writes, and a strict reader that accepts exactly that layout.
//!
//! A zip can be read in more than one way: Info-ZIP `unzip` and Python's `zipfile` find the
//! central directory at (end-record position − directory size), other readers trust the
//! offset the end record declares, some scan local headers from the front. A bundle that
//! two readers see differently could verify here and extract forged files elsewhere. So
//! the reader refuses every byte the writer below would not have produced: nothing before
//! the first local header, between members or after the end record; the directory exactly
//! where both ways of finding it agree; local headers equal to their central entries; no
//! data descriptors, encryption, zip64, comments or extra fields; Unix regular files with
//! mode 0644 only; names in strictly ascending order, unique even case-folded; each deflate
//! stream ending exactly at its compressed size. What is left has one reading
//! (docs/audit.md, "What verify guarantees").
//!
//! Members are inflated as streams (`Member` is a `Read`), never held whole, and only up to
//! their declared size, whose per-member and total caps are checked before anything is
//! inflated.

mod read;
mod write;

use std::io::Read as _;

pub use read::{Archive, Entry, Member};
pub use write::{Writer, deflate};

/// "Version made by": host 3 (Unix), format version 2.0.
pub const MADE_BY: u16 = (3 << 8) | 20;
/// "Version needed to extract": 2.0 (deflate).
pub const VERSION_NEEDED: u16 = 20;
pub(crate) const METHOD_DEFLATE: u16 = 8;
/// Regular file, rw-r--r--.
pub const MODE: u32 = 0o100_644;
/// As many members as a zip without zip64 holds (65,535 would be the zip64 marker): a
/// bundle carries the framework's evidence documents, which can be thousands.
pub const MAX_MEMBERS: usize = 65_534;
pub(crate) const MAX_NAME: usize = 255;

pub(crate) const LOCAL_SIG: u32 = 0x0403_4b50;
pub(crate) const CENTRAL_SIG: u32 = 0x0201_4b50;
pub(crate) const END_SIG: u32 = 0x0605_4b50;
pub(crate) const LOCAL_LEN: u64 = 30;
pub(crate) const CENTRAL_LEN: usize = 46;
pub(crate) const END_LEN: u64 = 22;
pub(crate) const CHUNK: usize = 64 * 1024;

/// An MS-DOS date and time as zip headers store them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DosTime {
    pub time: u16,
    pub date: u16,
}

impl DosTime {
    /// The zip time of `t` in UTC, clamped to the format's range 1980–2107 (two-second
    /// resolution, rounded down).
    pub fn of(t: jiff::Timestamp) -> DosTime {
        let dt = t.to_zoned(jiff::tz::TimeZone::UTC).datetime();
        let (y, mo, d, h, mi, s) = if dt.year() < 1980 {
            (1980, 1, 1, 0, 0, 0)
        } else if dt.year() > 2107 {
            (2107, 12, 31, 23, 59, 58)
        } else {
            (
                dt.year() as u16,
                dt.month() as u16,
                dt.day() as u16,
                dt.hour() as u16,
                dt.minute() as u16,
                dt.second() as u16,
            )
        };
        DosTime {
            time: (h << 11) | (mi << 5) | (s / 2),
            date: ((y - 1980) << 9) | (mo << 5) | d,
        }
    }
}

/// The one directory a bundle may hold: the evidence documents and their records, under
/// the paths they have in the repository.
pub const EVIDENCE_DIR: &str = "evidence/";

/// Why a member name is refused, if it is: bundles hold plain names (and, under
/// `evidence/`, plain names separated by `/`), so no reader can map a name to a
/// different path; [`Names`] keeps two names from becoming one file.
pub fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() || name.contains('\0') {
        return Some("unsafe name (empty or NUL in name)");
    }
    if name.starts_with('/') || name.starts_with('\\') || name.get(1..2) == Some(":") {
        return Some("unsafe name (absolute path)");
    }
    if name.contains('\\') {
        return Some("unsafe name (backslash in name)");
    }
    if name.split('/').any(|c| c == ".." || c == ".") {
        return Some("unsafe name (`..` or `.` path component)");
    }
    if name.contains('/') && !name.starts_with(EVIDENCE_DIR) {
        return Some("unsafe name (a bundle has no directories, except `evidence/`)");
    }
    if name.len() > MAX_NAME {
        return Some("unsafe name (longer than 255 bytes)");
    }
    if name.split('/').any(str::is_empty) {
        return Some("unsafe name (an empty path component, or a directory entry)");
    }
    name.split('/').find_map(unsafe_component)
}

/// The rules for one path component (a whole name outside `evidence/`).
fn unsafe_component(c: &str) -> Option<&'static str> {
    if c.starts_with('.') || c.starts_with('-') {
        return Some("unsafe name (leading `.` or `-`)");
    }
    if !c
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Some("unsafe name (only ASCII letters, digits, `.`, `_` and `-`)");
    }
    None
}

/// The names of an archive so far, as a disk would see them once extracted: two names
/// that differ only in case are one file on a case-insensitive disk, and a name cannot be
/// both a file and a directory (`evidence/a` and `evidence/a/b`). Names are ASCII
/// ([`unsafe_name`]), so folding ASCII case is the whole of Unicode folding and
/// normalisation here.
#[derive(Debug, Default)]
pub struct Names {
    exact: std::collections::HashSet<String>,
    files: std::collections::HashSet<String>,
    dirs: std::collections::HashSet<String>,
}

impl Names {
    /// Adds `name`, or says why it would clash with a name already added.
    pub fn insert(&mut self, name: &str) -> Result<(), String> {
        if self.exact.contains(name) {
            return Err(format!("member `{name}` appears twice"));
        }
        let folded = name.to_ascii_lowercase();
        if self.files.contains(&folded) {
            return Err(format!(
                "member `{name}` differs from another only in case (one file on a case-insensitive disk)"
            ));
        }
        let parents: Vec<&str> = folded
            .match_indices('/')
            .map(|(i, _)| &folded[..i])
            .collect();
        if self.dirs.contains(&folded) || parents.iter().any(|d| self.files.contains(*d)) {
            return Err(format!(
                "member `{name}` is a file where another member needs a directory, or the reverse"
            ));
        }
        self.dirs.extend(parents.into_iter().map(String::from));
        self.files.insert(folded);
        self.exact.insert(name.to_string());
        Ok(())
    }
}

/// Caps checked against declared sizes before anything is inflated.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest inflated size of one member.
    pub max_entry: u64,
    /// Largest inflated size of all members together.
    pub max_total: u64,
}

pub const DEFAULT_LIMITS: Limits = Limits {
    max_entry: 512 * 1024 * 1024,
    max_total: 1024 * 1024 * 1024,
};

/// Every member's bytes, by name, after every check (for tests and small bundles).
pub fn read_all(
    bytes: &[u8],
    limits: Limits,
) -> Result<std::collections::BTreeMap<String, Vec<u8>>, String> {
    let mut a = Archive::open(std::io::Cursor::new(bytes), limits)?;
    let mut out = std::collections::BTreeMap::new();
    for i in 0..a.entries().len() {
        let name = a.entries()[i].name.clone();
        let mut buf = Vec::new();
        a.member(i)?
            .read_to_end(&mut buf)
            .map_err(|e| e.to_string())?;
        out.insert(name, buf);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut w = Writer::new(DosTime::of(jiff::Timestamp::UNIX_EPOCH));
        w.add("a.txt", b"hello hello hello").expect("add");
        w.add("b.json", b"").expect("add");
        w.finish().expect("finish")
    }

    #[test]
    fn what_the_writer_writes_reads_back() {
        let m = read_all(&sample(), DEFAULT_LIMITS).expect("read");
        assert_eq!(m["a.txt"], b"hello hello hello");
        assert_eq!(m["b.json"], b"");
    }

    #[test]
    fn any_appended_or_prefixed_byte_is_refused() {
        let z = sample();
        let mut after = z.clone();
        after.push(0);
        assert!(read_all(&after, DEFAULT_LIMITS).is_err());
        let mut before = vec![0u8];
        before.extend_from_slice(&z);
        assert!(read_all(&before, DEFAULT_LIMITS).is_err());
    }

    #[test]
    fn directories_only_under_evidence_each_component_plain() {
        for ok in [
            "report.json",
            "evidence/records.json",
            "evidence/files/a/b_c-1.md",
        ] {
            assert_eq!(unsafe_name(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("docs/a.md", "no directories"),
            ("evidence/", "directory entry"),
            ("evidence//a", "empty path component"),
            ("evidence/.git/x", "leading `.`"),
            ("evidence/a b", "only ASCII"),
            ("evidence/../x", "`..`"),
            ("evidence\\x", "backslash"),
        ] {
            let got = unsafe_name(bad).unwrap_or_default();
            assert!(got.contains(why), "{bad}: {got}");
        }
    }

    #[test]
    fn names_that_one_disk_would_merge_clash() {
        let mut n = Names::default();
        n.insert("evidence/files/a.md").expect("first");
        let clash = |n: &mut Names, name: &str| n.insert(name).expect_err(name);
        assert!(clash(&mut n, "evidence/files/a.md").contains("appears twice"));
        assert!(clash(&mut n, "EVIDENCE/files/A.md").contains("only in case"));
        assert!(clash(&mut n, "evidence/files/a.md/x").contains("needs a directory"));
        n.insert("evidence/files/d/x.md").expect("a directory d");
        assert!(clash(&mut n, "evidence/files/D").contains("needs a directory"));
        n.insert("evidence/files/d-x.md")
            .expect("sorts between, no clash");
    }

    #[test]
    fn dos_time_matches_the_format() {
        let t: jiff::Timestamp = "2025-11-24T16:00:00Z".parse().expect("ts");
        assert_eq!(
            DosTime::of(t),
            DosTime {
                time: 32768,
                date: 23416
            }
        );
    }
}
