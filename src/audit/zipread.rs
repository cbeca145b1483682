//! Reading a zip in memory without trusting it: the central directory is scanned by hand
//! (names, duplicates, symlinks, declared sizes) before any member is inflated, and each
//! member is inflated only up to its declared size.

use std::collections::BTreeMap;
use std::io::Read as _;

pub const DEFAULT_MAX_ENTRY: u64 = 512 * 1024 * 1024;
const MAX_ENTRIES: usize = 64;

#[derive(Debug)]
struct CentralEntry {
    name: String,
    size: u64,
    unix_mode: Option<u32>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn central_directory(bytes: &[u8]) -> Result<Vec<CentralEntry>, String> {
    let floor = bytes.len().saturating_sub(22 + 65535);
    let eocd = (floor..=bytes.len().saturating_sub(22))
        .rev()
        .find(|&i| u32_at(bytes, i) == Some(0x0605_4b50))
        .ok_or("not a zip file (no end-of-central-directory record)")?;
    let bad = || "corrupt end-of-central-directory record".to_string();
    let count = u16_at(bytes, eocd + 10).ok_or_else(bad)? as usize;
    let offset = u32_at(bytes, eocd + 16).ok_or_else(bad)? as usize;
    if count == 0xffff || offset == 0xffff_ffff {
        return Err("zip64 archives are not accepted (a bundle is never that large)".into());
    }
    if count > MAX_ENTRIES {
        return Err(format!(
            "{count} members; a bundle has at most {MAX_ENTRIES}"
        ));
    }
    let mut out = Vec::with_capacity(count);
    let mut at = offset;
    for _ in 0..count {
        let bad = || "corrupt central directory".to_string();
        if u32_at(bytes, at) != Some(0x0201_4b50) {
            return Err(bad());
        }
        let made_by = u16_at(bytes, at + 4).ok_or_else(bad)?;
        let size = u32_at(bytes, at + 24).ok_or_else(bad)?;
        let name_len = u16_at(bytes, at + 28).ok_or_else(bad)? as usize;
        let extra_len = u16_at(bytes, at + 30).ok_or_else(bad)? as usize;
        let comment_len = u16_at(bytes, at + 32).ok_or_else(bad)? as usize;
        let attrs = u32_at(bytes, at + 38).ok_or_else(bad)?;
        let name = bytes.get(at + 46..at + 46 + name_len).ok_or_else(bad)?;
        let name = String::from_utf8(name.to_vec())
            .map_err(|_| "a member name is not UTF-8".to_string())?;
        out.push(CentralEntry {
            name,
            size: u64::from(size),
            unix_mode: (made_by >> 8 == 3).then_some(attrs >> 16),
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() || name.contains('\0') {
        return Some("empty or NUL in name");
    }
    if name.starts_with('/') || name.starts_with('\\') || name.get(1..2) == Some(":") {
        return Some("absolute path");
    }
    if name.contains('\\') {
        return Some("backslash in name");
    }
    if name.split('/').any(|c| c == ".." || c == ".") {
        return Some("`..` or `.` path component");
    }
    if name.contains('/') {
        return Some("a bundle has no directories");
    }
    None
}

/// Every member's bytes, by name, after all safety checks.
pub fn read_members(bytes: &[u8], max_entry: u64) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let central = central_directory(bytes)?;
    let mut seen = std::collections::HashSet::new();
    for e in &central {
        if let Some(why) = unsafe_name(&e.name) {
            return Err(format!("member `{}`: unsafe name ({why})", e.name));
        }
        if !seen.insert(e.name.as_str()) {
            return Err(format!("member `{}` appears twice", e.name));
        }
        if let Some(mode) = e.unix_mode
            && mode & 0o170000 == 0o120000
        {
            return Err(format!("member `{}` is a symbolic link", e.name));
        }
        if e.size > max_entry {
            return Err(format!(
                "member `{}` declares {} bytes, over the {} byte cap",
                e.name, e.size, max_entry
            ));
        }
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("unreadable zip: {e}"))?;
    if archive.len() != central.len() {
        return Err("the zip's member count is inconsistent".into());
    }
    let mut out = BTreeMap::new();
    for (i, ce) in central.iter().enumerate() {
        let mut f = archive
            .by_index(i)
            .map_err(|e| format!("member `{}`: {e}", ce.name))?;
        if f.name() != ce.name {
            return Err(format!("member `{}`: inconsistent name", ce.name));
        }
        if f.is_dir() || f.is_symlink() {
            return Err(format!("member `{}` is not a regular file", ce.name));
        }
        let mut buf = Vec::new();
        (&mut f)
            .take(ce.size + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("member `{}`: {e}", ce.name))?;
        if buf.len() as u64 != ce.size {
            let held = if buf.len() as u64 > ce.size {
                "more".to_string()
            } else {
                buf.len().to_string()
            };
            return Err(format!(
                "member `{}` declares {} bytes but holds {held} (lying size)",
                ce.name, ce.size
            ));
        }
        out.insert(ce.name.clone(), buf);
    }
    Ok(out)
}
