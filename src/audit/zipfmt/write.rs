//! The writer: the one layout (see the module above) and nothing else.

use super::{
    CENTRAL_SIG, DosTime, END_SIG, LOCAL_SIG, MADE_BY, MAX_MEMBERS, METHOD_DEFLATE, MODE,
    VERSION_NEEDED, unsafe_name,
};

/// `data` deflated the one way the writer does (level 6), and its CRC-32: for callers
/// that deflate members in parallel before adding them in order.
pub fn deflate(data: &[u8]) -> Result<(Vec<u8>, u32), String> {
    use std::io::Write as _;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(6));
    enc.write_all(data).map_err(|e| format!("zip: {e}"))?;
    let deflated = enc.finish().map_err(|e| format!("zip: {e}"))?;
    Ok((deflated, crc32fast::hash(data)))
}

/// Writes members in ascending name order, each deflated at level 6, with `time`.
pub struct Writer {
    out: Vec<u8>,
    central: Vec<u8>,
    count: usize,
    last: Option<String>,
    names: super::Names,
    time: DosTime,
}

impl Writer {
    pub fn new(time: DosTime) -> Writer {
        Writer {
            out: Vec::new(),
            central: Vec::new(),
            count: 0,
            last: None,
            names: super::Names::default(),
            time,
        }
    }

    /// Adds a member; names must be safe and come in strictly ascending order.
    pub fn add(&mut self, name: &str, data: &[u8]) -> Result<(), String> {
        let (deflated, crc) = deflate(data)?;
        self.add_deflated(name, &deflated, crc, data.len() as u64)
    }

    /// Adds a member from an already deflated stream (for streams too large to hold
    /// inflated); the caller vouches for `crc` and `size`.
    pub fn add_deflated(
        &mut self,
        name: &str,
        deflated: &[u8],
        crc: u32,
        size: u64,
    ) -> Result<(), String> {
        if let Some(why) = unsafe_name(name) {
            return Err(format!("zip: member `{name}`: {why}"));
        }
        if self.last.as_deref().is_some_and(|l| l >= name) {
            return Err(format!("zip: member `{name}` is out of order"));
        }
        self.names.insert(name).map_err(|e| format!("zip: {e}"))?;
        if self.count >= MAX_MEMBERS {
            return Err(format!("zip: more than {MAX_MEMBERS} members"));
        }
        let too_big = || format!("zip: member `{name}` is too large for a zip without zip64");
        let size = u32::try_from(size).map_err(|_| too_big())?;
        let csize = u32::try_from(deflated.len()).map_err(|_| too_big())?;
        let offset = u32::try_from(self.out.len()).map_err(|_| too_big())?;
        let name_len = name.len() as u16;
        let out = &mut self.out;
        out.extend_from_slice(&LOCAL_SIG.to_le_bytes());
        out.extend_from_slice(&VERSION_NEEDED.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&METHOD_DEFLATE.to_le_bytes());
        out.extend_from_slice(&self.time.time.to_le_bytes());
        out.extend_from_slice(&self.time.date.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&csize.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(deflated);
        u32::try_from(out.len()).map_err(|_| too_big())?;

        let c = &mut self.central;
        c.extend_from_slice(&CENTRAL_SIG.to_le_bytes());
        c.extend_from_slice(&MADE_BY.to_le_bytes());
        c.extend_from_slice(&VERSION_NEEDED.to_le_bytes());
        c.extend_from_slice(&0u16.to_le_bytes()); // flags
        c.extend_from_slice(&METHOD_DEFLATE.to_le_bytes());
        c.extend_from_slice(&self.time.time.to_le_bytes());
        c.extend_from_slice(&self.time.date.to_le_bytes());
        c.extend_from_slice(&crc.to_le_bytes());
        c.extend_from_slice(&csize.to_le_bytes());
        c.extend_from_slice(&size.to_le_bytes());
        c.extend_from_slice(&name_len.to_le_bytes());
        c.extend_from_slice(&0u16.to_le_bytes()); // extra length
        c.extend_from_slice(&0u16.to_le_bytes()); // comment length
        c.extend_from_slice(&0u16.to_le_bytes()); // disk number
        c.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        c.extend_from_slice(&(MODE << 16).to_le_bytes());
        c.extend_from_slice(&offset.to_le_bytes());
        c.extend_from_slice(name.as_bytes());
        self.count += 1;
        self.last = Some(name.to_string());
        Ok(())
    }

    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        let too_big = || "zip: the archive is too large for a zip without zip64".to_string();
        let cd_offset = u32::try_from(self.out.len()).map_err(|_| too_big())?;
        let cd_size = u32::try_from(self.central.len()).map_err(|_| too_big())?;
        let count = self.count as u16;
        self.out.append(&mut self.central);
        let out = &mut self.out;
        out.extend_from_slice(&END_SIG.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // this disk
        out.extend_from_slice(&0u16.to_le_bytes()); // disk of the directory
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&cd_size.to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // comment length
        Ok(self.out)
    }
}
