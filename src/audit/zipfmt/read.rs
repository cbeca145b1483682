//! The strict reader: checks the whole layout, then streams members on demand.

use super::{
    CENTRAL_LEN, CENTRAL_SIG, CHUNK, END_LEN, END_SIG, LOCAL_LEN, LOCAL_SIG, Limits, MADE_BY,
    MAX_MEMBERS, MAX_NAME, METHOD_DEFLATE, MODE, VERSION_NEEDED, unsafe_name,
};
use flate2::{Decompress, FlushDecompress, Status};
use std::io::{Read, Seek, SeekFrom};

/// One member as the central directory declares it (and its local header repeats).
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub size: u64,
    crc: u32,
    compressed: u64,
    data_at: u64,
}

/// An archive whose layout has been checked; members are read from `source` on demand.
pub struct Archive<R> {
    source: R,
    entries: Vec<Entry>,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    let mut x = [0u8; 2];
    if let Some(s) = b.get(at..at + 2) {
        x.copy_from_slice(s);
    }
    u16::from_le_bytes(x)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut x = [0u8; 4];
    if let Some(s) = b.get(at..at + 4) {
        x.copy_from_slice(s);
    }
    u32::from_le_bytes(x)
}

fn io(e: std::io::Error) -> String {
    format!("cannot read the zip: {e}")
}

/// The fields a central entry and its local header must both hold.
struct Declared<'a> {
    version_needed: u16,
    flags: u16,
    method: u16,
    time: u16,
    date: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    name: &'a [u8],
    extra_len: u16,
}

fn check_declared(name: &str, d: &Declared) -> Result<(), String> {
    let m = |why: String| format!("member `{name}`: {why}");
    if d.flags & 0x0001 != 0 {
        return Err(m("is encrypted".into()));
    }
    if d.flags & 0x0008 != 0 {
        return Err(m(
            "uses a data descriptor (sizes after the data), which vigocli never writes".into(),
        ));
    }
    if d.flags != 0 {
        return Err(m(format!(
            "general-purpose flags {:#06x}; vigocli writes 0",
            d.flags
        )));
    }
    if d.method != METHOD_DEFLATE {
        return Err(m(format!(
            "compression method {}; vigocli writes deflate (8)",
            d.method
        )));
    }
    if d.version_needed != VERSION_NEEDED {
        return Err(m(format!(
            "version needed to extract is {}; vigocli writes {VERSION_NEEDED}",
            d.version_needed
        )));
    }
    if d.extra_len != 0 {
        return Err(m(format!(
            "carries {} bytes of extra fields; vigocli writes none",
            d.extra_len
        )));
    }
    if d.size == u32::MAX || d.compressed == u32::MAX {
        return Err(m(
            "declares zip64 sizes; a bundle is never that large".into()
        ));
    }
    Ok(())
}

impl<R: Read + Seek> Archive<R> {
    /// Checks the whole layout (every header, every gap) without inflating anything.
    pub fn open(mut source: R, limits: Limits) -> Result<Archive<R>, String> {
        let len = source.seek(SeekFrom::End(0)).map_err(io)?;
        if len < END_LEN {
            return Err("not a zip file (shorter than an end-of-central-directory record)".into());
        }
        let tail_len = len.min(END_LEN + 65_535 + 1024);
        source.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
        let mut tail = vec![0u8; tail_len as usize];
        source.read_exact(&mut tail).map_err(io)?;
        let last = tail.len() - END_LEN as usize;
        if u32_at(&tail, last) != END_SIG {
            return match (0..last).rev().find(|&i| u32_at(&tail, i) == END_SIG) {
                Some(i) => Err(format!(
                    "{} bytes follow the end-of-central-directory record (a comment or appended data); a bundle ends with that record",
                    last - i
                )),
                None => Err("not a zip file (no end-of-central-directory record)".into()),
            };
        }
        let end = &tail[last..];
        let end_at = len - END_LEN;
        let (disk, cd_disk) = (u16_at(end, 4), u16_at(end, 6));
        let (on_disk, total) = (u16_at(end, 8), u16_at(end, 10));
        let (cd_size, cd_offset) = (u32_at(end, 12), u32_at(end, 16));
        let comment_len = u16_at(end, 20);
        if total == 0xffff || cd_size == u32::MAX || cd_offset == u32::MAX {
            return Err("zip64 archives are not accepted (a bundle is never that large)".into());
        }
        if comment_len != 0 {
            return Err(format!(
                "the end record declares a {comment_len}-byte comment; a bundle has none"
            ));
        }
        if disk != 0 || cd_disk != 0 || on_disk != total {
            return Err("a multi-disk archive (the end record's disk fields are not 0, or its two member counts differ)".into());
        }
        if total == 0 {
            return Err("the archive has no members".into());
        }
        if usize::from(total) > MAX_MEMBERS {
            return Err(format!(
                "{total} members; a bundle has at most {MAX_MEMBERS}"
            ));
        }
        if u64::from(cd_offset) + u64::from(cd_size) != end_at {
            return Err(format!(
                "the end record puts the central directory at offset {cd_offset}, but it ends at {end_at} with a {cd_size}-byte directory, so unzip would read it at {}: bytes were inserted or a second directory was added",
                end_at as i64 - i64::from(cd_size)
            ));
        }
        if usize::try_from(cd_size).unwrap_or(usize::MAX) > MAX_MEMBERS * (CENTRAL_LEN + MAX_NAME) {
            return Err(format!(
                "a {cd_size}-byte central directory is too large for a bundle"
            ));
        }
        source
            .seek(SeekFrom::Start(u64::from(cd_offset)))
            .map_err(io)?;
        let mut cd = vec![0u8; cd_size as usize];
        source.read_exact(&mut cd).map_err(io)?;

        let mut entries: Vec<Entry> = Vec::with_capacity(usize::from(total));
        let mut offsets = Vec::with_capacity(usize::from(total));
        let mut at = 0usize;
        let mut names = super::Names::default();
        for _ in 0..total {
            if cd.len() < at + CENTRAL_LEN || u32_at(&cd, at) != CENTRAL_SIG {
                return Err(
                    "the central directory holds fewer entries than the end record counts".into(),
                );
            }
            let h = &cd[at..];
            let made_by = u16_at(h, 4);
            let name_len = usize::from(u16_at(h, 28));
            let comment_len = u16_at(h, 32);
            let raw_name = cd
                .get(at + CENTRAL_LEN..at + CENTRAL_LEN + name_len)
                .ok_or("the central directory is cut short inside a name")?;
            let name = std::str::from_utf8(raw_name)
                .map_err(|_| "a member name is not UTF-8".to_string())?
                .to_string();
            let d = Declared {
                version_needed: u16_at(h, 6),
                flags: u16_at(h, 8),
                method: u16_at(h, 10),
                time: u16_at(h, 12),
                date: u16_at(h, 14),
                crc: u32_at(h, 16),
                compressed: u32_at(h, 20),
                size: u32_at(h, 24),
                name: raw_name,
                extra_len: u16_at(h, 30),
            };
            let (disk_start, internal, external, offset) =
                (u16_at(h, 34), u16_at(h, 36), u32_at(h, 38), u32_at(h, 42));
            let m = |why: &str| format!("member `{name}`: {why}");
            if let Some(why) = unsafe_name(&name) {
                return Err(m(why));
            }
            names.insert(&name)?;
            // A link or device is refused whatever host the entry claims: some unzips apply
            // Unix modes from other hosts too.
            let kind = (external >> 16) & 0o170_000;
            if kind == 0o120_000 {
                return Err(format!("member `{name}` is a symbolic link"));
            }
            if made_by != MADE_BY {
                return Err(m(&format!(
                    "made by host {} version {}; vigocli writes host 3 (Unix) version 20",
                    made_by >> 8,
                    made_by & 0xff
                )));
            }
            if external != MODE << 16 {
                return Err(m(&format!(
                    "external attributes {external:#010x} (mode {:o}); vigocli writes a regular file with mode 644",
                    external >> 16
                )));
            }
            if internal != 0 || disk_start != 0 {
                return Err(m("internal attributes or disk number are not 0"));
            }
            if comment_len != 0 {
                return Err(m("has a comment; vigocli writes none"));
            }
            check_declared(&name, &d)?;
            if let Some(prev) = entries.last()
                && prev.name.as_str() >= name.as_str()
            {
                return Err(m("is out of order (vigocli writes members in name order)"));
            }
            if u64::from(d.size) > limits.max_entry {
                return Err(format!(
                    "member `{name}` declares {} bytes, over the {} byte cap",
                    d.size, limits.max_entry
                ));
            }
            offsets.push((u64::from(offset), d.time, d.date, name_len));
            entries.push(Entry {
                name,
                size: u64::from(d.size),
                crc: d.crc,
                compressed: u64::from(d.compressed),
                data_at: 0,
            });
            at += CENTRAL_LEN + name_len;
        }
        if at != cd.len() {
            return Err(format!(
                "{} bytes follow the last central directory entry",
                cd.len() - at
            ));
        }
        let total_size: u64 = entries.iter().map(|e| e.size).sum();
        if total_size > limits.max_total {
            return Err(format!(
                "the members declare {total_size} bytes in all, over the {} byte cap",
                limits.max_total
            ));
        }

        // Local headers: each exactly where the previous member ends, equal to its entry.
        let mut expected = 0u64;
        for (e, (offset, time, date, name_len)) in entries.iter_mut().zip(offsets) {
            if offset != expected && expected == 0 {
                return Err(format!(
                    "{offset} bytes precede the first member (a bundle starts with its first local header)"
                ));
            }
            if offset != expected {
                return Err(format!(
                    "member `{}`: its local header is at offset {offset}, but the previous member ends at {expected} (bytes inserted, overlapping or out of order)",
                    e.name
                ));
            }
            source.seek(SeekFrom::Start(offset)).map_err(io)?;
            let mut h = vec![0u8; LOCAL_LEN as usize + name_len];
            source
                .read_exact(&mut h)
                .map_err(|_| format!("member `{}`: its local header is cut short", e.name))?;
            if u32_at(&h, 0) != LOCAL_SIG {
                return Err(format!(
                    "member `{}`: no local header at offset {offset}",
                    e.name
                ));
            }
            let local = Declared {
                version_needed: u16_at(&h, 4),
                flags: u16_at(&h, 6),
                method: u16_at(&h, 8),
                time: u16_at(&h, 10),
                date: u16_at(&h, 12),
                crc: u32_at(&h, 14),
                compressed: u32_at(&h, 18),
                size: u32_at(&h, 22),
                name: &h[LOCAL_LEN as usize..],
                extra_len: u16_at(&h, 28),
            };
            check_declared(&e.name, &local)?;
            let same = usize::from(u16_at(&h, 26)) == name_len
                && local.name == e.name.as_bytes()
                && local.time == time
                && local.date == date
                && local.crc == e.crc
                && u64::from(local.compressed) == e.compressed
                && u64::from(local.size) == e.size;
            if !same {
                return Err(format!(
                    "member `{}`: its local header disagrees with the central directory (name, time, CRC or sizes)",
                    e.name
                ));
            }
            e.data_at = offset + LOCAL_LEN + name_len as u64;
            expected = e.data_at + e.compressed;
        }
        if expected != u64::from(cd_offset) {
            return Err(format!(
                "{} unexplained bytes between the last member (ending at {expected}) and the central directory (at {cd_offset})",
                i64::from(cd_offset) - expected as i64
            ));
        }
        Ok(Archive { source, entries })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// A stream of member `i`'s inflated bytes. It fails (never returns short data) when
    /// the deflate stream is corrupt, does not end exactly at the compressed size, or
    /// inflates to another size or CRC than declared.
    pub fn member(&mut self, i: usize) -> Result<Member<'_, R>, String> {
        let e = self.entries.get(i).ok_or("no such member")?.clone();
        self.source.seek(SeekFrom::Start(e.data_at)).map_err(io)?;
        Ok(Member {
            source: &mut self.source,
            inflater: Decompress::new(false),
            input: vec![0u8; CHUNK],
            start: 0,
            end: 0,
            unread: e.compressed,
            produced: 0,
            crc: crc32fast::Hasher::new(),
            done: false,
            entry: e,
        })
    }

    /// Member `i` whole, if it declares at most `cap` bytes.
    pub fn read_small(&mut self, i: usize, cap: u64) -> Result<Vec<u8>, String> {
        let size = self.entries.get(i).map_or(0, |e| e.size);
        let name = self
            .entries
            .get(i)
            .map_or("", |e| e.name.as_str())
            .to_string();
        if size > cap {
            return Err(format!(
                "member `{name}` declares {size} bytes; at most {cap} are expected of it"
            ));
        }
        let mut buf = Vec::with_capacity(size as usize);
        self.member(i)?
            .read_to_end(&mut buf)
            .map_err(|e| e.to_string())?;
        Ok(buf)
    }
}

/// One member being inflated; see [`Archive::member`].
pub struct Member<'a, R> {
    source: &'a mut R,
    inflater: Decompress,
    input: Vec<u8>,
    start: usize,
    end: usize,
    unread: u64,
    produced: u64,
    crc: crc32fast::Hasher,
    done: bool,
    entry: Entry,
}

impl<R: Read> Member<'_, R> {
    fn fail(&self, why: String) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("member `{}`: {why}", self.entry.name),
        )
    }

    /// Checks what can only be known at the end of the stream.
    fn finish(&mut self) -> std::io::Result<()> {
        self.done = true;
        let left = self.unread + (self.end - self.start) as u64;
        if left != 0 {
            return Err(self.fail(format!(
                "{left} bytes follow the end of its deflate stream inside the declared compressed size"
            )));
        }
        if self.produced != self.entry.size {
            return Err(self.fail(format!(
                "declares {} bytes but holds {} (lying size)",
                self.entry.size, self.produced
            )));
        }
        let crc = self.crc.clone().finalize();
        if crc != self.entry.crc {
            return Err(self.fail(format!(
                "CRC-32 is {crc:08x}, the header declares {:08x}",
                self.entry.crc
            )));
        }
        Ok(())
    }
}

impl<R: Read> Read for Member<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.done || out.is_empty() {
            return Ok(0);
        }
        let mut stalled = 0;
        loop {
            if self.start == self.end && self.unread > 0 {
                let n = self.unread.min(CHUNK as u64) as usize;
                self.source
                    .read_exact(&mut self.input[..n])
                    .map_err(|e| self.fail(format!("compressed data cut short ({e})")))?;
                self.start = 0;
                self.end = n;
                self.unread -= n as u64;
            }
            // Never inflate more than one byte past the declared size.
            let room = (self.entry.size + 1 - self.produced).min(out.len() as u64) as usize;
            let (in_before, out_before) = (self.inflater.total_in(), self.inflater.total_out());
            let status = self
                .inflater
                .decompress(
                    &self.input[self.start..self.end],
                    &mut out[..room],
                    FlushDecompress::None,
                )
                .map_err(|e| self.fail(format!("corrupt deflate data ({e})")))?;
            let used = (self.inflater.total_in() - in_before) as usize;
            let made = (self.inflater.total_out() - out_before) as usize;
            self.start += used;
            self.produced += made as u64;
            self.crc.update(&out[..made]);
            if self.produced > self.entry.size {
                return Err(self.fail(format!(
                    "declares {} bytes but holds more (lying size)",
                    self.entry.size
                )));
            }
            if status == Status::StreamEnd {
                self.finish()?;
                return Ok(made);
            }
            if made > 0 {
                return Ok(made);
            }
            if used == 0 {
                if self.start == self.end && self.unread == 0 {
                    return Err(self.fail("its deflate stream is cut short".into()));
                }
                stalled += 1;
                if stalled > 2 {
                    return Err(self.fail("its deflate stream makes no progress".into()));
                }
            }
        }
    }
}
