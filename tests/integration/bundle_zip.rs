//! The bundle's zip layout under attack (docs/audit.md, "What verify guarantees"): verify
//! refuses every byte vigocli's writer would not produce, and whatever it accepts, Info-ZIP
//! `unzip` and Python's `zipfile` extract byte for byte.

use crate::audit::{WINDOW, build, clinic_with_log, rejected, verify};
use crate::common::*;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use vigocli::audit::{verify as v, zipfmt};

struct Fixture {
    zip: Vec<u8>,
    key: ed25519_dalek::VerifyingKey,
    public_pem: Vec<u8>,
}

/// One signed bundle of the clinic fixture and its public key, built once.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let r = clinic_with_log(6);
        vig(r.path(), &["keygen", "--output", "k"], &[]).ok();
        let zip = build(&r, "b.zip", &[WINDOW, &["--sign-key", "k.key"]].concat());
        let key = vigocli::audit::keys::read_verifying_key(&r.path().join("k.pub")).unwrap();
        let public_pem = std::fs::read(r.path().join("k.pub")).unwrap();
        Fixture {
            zip,
            key,
            public_pem,
        }
    })
}

/// A directory of this test's own holding the publisher's key as `k.pub`.
fn scratch() -> Repo {
    let r = Repo::new();
    r.bytes("k.pub", &fixture().public_pem);
    r
}

fn lib_verify(bytes: &[u8]) -> v::Outcome {
    let key = &fixture().key;
    v::verify_bytes(
        bytes,
        &v::Options {
            key: Some(key),
            limits: zipfmt::DEFAULT_LIMITS,
        },
    )
    .0
}

// ---- a zip split into records -------------------------------------------------------

fn get16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn get32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn put16(b: &mut [u8], at: usize, x: u16) {
    b[at..at + 2].copy_from_slice(&x.to_le_bytes());
}
fn put32(b: &mut [u8], at: usize, x: u32) {
    b[at..at + 4].copy_from_slice(&x.to_le_bytes());
}

#[derive(Clone)]
struct Local {
    fixed: Vec<u8>,
    name: Vec<u8>,
    extra: Vec<u8>,
    data: Vec<u8>,
}

#[derive(Clone)]
struct Central {
    fixed: Vec<u8>,
    name: Vec<u8>,
    extra: Vec<u8>,
    comment: Vec<u8>,
}

/// Reassembled by `bytes()` with every length, offset and count made consistent, so a
/// mutation changes only what it means to (and a lenient unzip accepts the result).
#[derive(Clone)]
struct Zip {
    prefix: Vec<u8>,
    locals: Vec<Local>,
    gaps: Vec<Vec<u8>>,
    centrals: Vec<Central>,
    end: Vec<u8>,
    end_comment: Vec<u8>,
    trailer: Vec<u8>,
    /// Override the end record's two member counts.
    counts: Option<(u16, u16)>,
    /// Added to the declared directory offset.
    offset_skew: i64,
}

impl Zip {
    fn parse(b: &[u8]) -> Zip {
        let mut at = 0;
        let mut locals = Vec::new();
        while get32(b, at) == 0x0403_4b50 {
            let fixed = b[at..at + 30].to_vec();
            let (n, e, c) = (
                get16(&fixed, 26) as usize,
                get16(&fixed, 28) as usize,
                get32(&fixed, 18) as usize,
            );
            let name = b[at + 30..at + 30 + n].to_vec();
            let extra = b[at + 30 + n..at + 30 + n + e].to_vec();
            let data = b[at + 30 + n + e..at + 30 + n + e + c].to_vec();
            at += 30 + n + e + c;
            locals.push(Local {
                fixed,
                name,
                extra,
                data,
            });
        }
        let mut centrals = Vec::new();
        while get32(b, at) == 0x0201_4b50 {
            let fixed = b[at..at + 46].to_vec();
            let (n, e, c) = (
                get16(&fixed, 28) as usize,
                get16(&fixed, 30) as usize,
                get16(&fixed, 32) as usize,
            );
            centrals.push(Central {
                name: b[at + 46..at + 46 + n].to_vec(),
                extra: b[at + 46 + n..at + 46 + n + e].to_vec(),
                comment: b[at + 46 + n + e..at + 46 + n + e + c].to_vec(),
                fixed,
            });
            at += 46 + n + e + c;
        }
        assert_eq!(get32(b, at), 0x0605_4b50, "end record");
        Zip {
            prefix: Vec::new(),
            gaps: vec![Vec::new(); locals.len()],
            locals,
            centrals,
            end: b[at..at + 22].to_vec(),
            end_comment: b[at + 22..].to_vec(),
            trailer: Vec::new(),
            counts: None,
            offset_skew: 0,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = self.prefix.clone();
        let mut offsets = Vec::new();
        for (l, gap) in self.locals.iter().zip(&self.gaps) {
            offsets.push(out.len() as u32);
            let mut f = l.fixed.clone();
            put16(&mut f, 26, l.name.len() as u16);
            put16(&mut f, 28, l.extra.len() as u16);
            out.extend_from_slice(&f);
            out.extend_from_slice(&l.name);
            out.extend_from_slice(&l.extra);
            out.extend_from_slice(&l.data);
            out.extend_from_slice(gap);
        }
        let cd_offset = out.len();
        for (i, c) in self.centrals.iter().enumerate() {
            let mut f = c.fixed.clone();
            put16(&mut f, 28, c.name.len() as u16);
            put16(&mut f, 30, c.extra.len() as u16);
            put16(&mut f, 32, c.comment.len() as u16);
            if let Some(o) = offsets.get(i) {
                put32(&mut f, 42, *o);
            }
            out.extend_from_slice(&f);
            out.extend_from_slice(&c.name);
            out.extend_from_slice(&c.extra);
            out.extend_from_slice(&c.comment);
        }
        let mut end = self.end.clone();
        let (a, b) = self
            .counts
            .unwrap_or((self.centrals.len() as u16, self.centrals.len() as u16));
        put16(&mut end, 8, a);
        put16(&mut end, 10, b);
        put32(&mut end, 12, (out.len() - cd_offset) as u32);
        put32(&mut end, 16, (cd_offset as i64 + self.offset_skew) as u32);
        put16(&mut end, 20, self.end_comment.len() as u16);
        out.extend_from_slice(&end);
        out.extend_from_slice(&self.end_comment);
        out.extend_from_slice(&self.trailer);
        out
    }

    fn index(&self, name: &str) -> usize {
        self.centrals
            .iter()
            .position(|c| c.name == name.as_bytes())
            .unwrap()
    }

    /// Sets a 16-bit field at the same meaning in the local header (`l`) and the central
    /// entry (`c`) of member `i`.
    fn both16(&mut self, i: usize, l: usize, c: usize, x: u16) {
        put16(&mut self.locals[i].fixed, l, x);
        put16(&mut self.centrals[i].fixed, c, x);
    }
    fn both32(&mut self, i: usize, l: usize, c: usize, x: u32) {
        put32(&mut self.locals[i].fixed, l, x);
        put32(&mut self.centrals[i].fixed, c, x);
    }
}

/// Field offsets: (local, central).
const FLAGS: (usize, usize) = (6, 8);
const METHOD: (usize, usize) = (8, 10);
const TIME: (usize, usize) = (10, 12);
const CRC: (usize, usize) = (14, 16);
const SIZE: (usize, usize) = (22, 24);
const VERSION_NEEDED: (usize, usize) = (4, 6);
const MADE_BY: usize = 4;
const INTERNAL: usize = 36;
const EXTERNAL: usize = 38;

type Mutation = (&'static str, fn(&mut Zip), &'static str);

/// Every way a zip can differ from what vigocli writes while a lenient reader would still
/// extract it, with the reason verify must give.
fn deviations() -> Vec<Mutation> {
    vec![
        (
            "bytes before the first member",
            |z| z.prefix = b"PK\x05\x06junk".to_vec(),
            "precede the first member",
        ),
        (
            "bytes after the end record",
            |z| z.trailer = b"\n".to_vec(),
            "bytes follow the end-of-central-directory record",
        ),
        (
            "an archive comment",
            |z| z.end_comment = b"hello".to_vec(),
            "follow the end-of-central-directory record",
        ),
        (
            "bytes between two members",
            |z| z.gaps[2] = vec![0; 16],
            "but the previous member ends at",
        ),
        (
            "bytes before the directory",
            |z| {
                let n = z.gaps.len();
                z.gaps[n - 1] = vec![0; 16];
            },
            "unexplained bytes between the last member",
        ),
        (
            "a directory offset off by one",
            |z| z.offset_skew = -1,
            "unzip would read it at",
        ),
        (
            "end record counts that disagree",
            |z| z.counts = Some((6, 7)),
            "multi-disk",
        ),
        (
            "end record counting one entry less",
            |z| z.counts = Some((6, 6)),
            "follow the last central directory entry",
        ),
        (
            "zip64 counts",
            |z| z.counts = Some((0xffff, 0xffff)),
            "zip64",
        ),
        (
            "a local name that differs",
            |z| {
                let i = z.index("report.json");
                z.locals[i].name = b"report.jsox".to_vec();
            },
            "local header disagrees",
        ),
        (
            "a local size that differs",
            |z| {
                let i = z.index("report.json");
                let s = get32(&z.locals[i].fixed, SIZE.0);
                put32(&mut z.locals[i].fixed, SIZE.0, s + 1);
            },
            "local header disagrees",
        ),
        (
            "a local CRC that differs",
            |z| {
                let i = z.index("report.json");
                put32(&mut z.locals[i].fixed, CRC.0, 7);
            },
            "local header disagrees",
        ),
        (
            "a local time that differs",
            |z| {
                let i = z.index("report.json");
                put16(&mut z.locals[i].fixed, TIME.0, 1);
            },
            "local header disagrees",
        ),
        (
            "a local method that differs",
            |z| {
                let i = z.index("report.json");
                put16(&mut z.locals[i].fixed, METHOD.0, 0);
            },
            "compression method 0",
        ),
        (
            "a data descriptor",
            |z| {
                let i = z.index("report.json");
                z.both16(i, FLAGS.0, FLAGS.1, 0x0008);
            },
            "data descriptor",
        ),
        (
            "encryption",
            |z| {
                let i = z.index("report.json");
                z.both16(i, FLAGS.0, FLAGS.1, 0x0001);
            },
            "is encrypted",
        ),
        (
            "the UTF-8 flag",
            |z| {
                let i = z.index("report.json");
                z.both16(i, FLAGS.0, FLAGS.1, 0x0800);
            },
            "general-purpose flags",
        ),
        (
            "another version needed",
            |z| {
                let i = z.index("report.json");
                z.both16(i, VERSION_NEEDED.0, VERSION_NEEDED.1, 45);
            },
            "version needed",
        ),
        (
            "an extra field in the directory",
            |z| {
                let i = z.index("report.json");
                z.centrals[i].extra = vec![0x55, 0x54, 1, 0, 0];
            },
            "extra fields",
        ),
        (
            "an extra field in the local header",
            |z| {
                let i = z.index("report.json");
                z.locals[i].extra = vec![0x55, 0x54, 1, 0, 0];
            },
            "extra fields",
        ),
        (
            "an entry comment",
            |z| {
                let i = z.index("report.json");
                z.centrals[i].comment = b"x".to_vec();
            },
            "has a comment",
        ),
        (
            "internal attributes",
            |z| {
                let i = z.index("report.json");
                put16(&mut z.centrals[i].fixed, INTERNAL, 1);
            },
            "internal attributes",
        ),
        (
            "an executable mode",
            |z| {
                let i = z.index("report.json");
                put32(&mut z.centrals[i].fixed, EXTERNAL, 0o100_755 << 16);
            },
            "mode 100755",
        ),
        (
            "another made-by version",
            |z| {
                let i = z.index("report.json");
                put16(&mut z.centrals[i].fixed, MADE_BY, (3 << 8) | 63);
            },
            "made by host 3 version 63",
        ),
        (
            "bytes after a deflate stream",
            |z| {
                let i = z.index("report.json");
                z.locals[i].data.extend_from_slice(b"tail");
                let c = z.locals[i].data.len() as u32;
                z.both32(i, 18, 20, c);
            },
            "follow the end of its deflate stream",
        ),
        (
            "a size that lies in both headers",
            |z| {
                let i = z.index("report.json");
                let s = get32(&z.locals[i].fixed, SIZE.0);
                z.both32(i, SIZE.0, SIZE.1, s - 1);
            },
            "lying size",
        ),
        (
            "a CRC that lies in both headers",
            |z| {
                let i = z.index("report.json");
                z.both32(i, CRC.0, CRC.1, 7);
            },
            "CRC-32",
        ),
        (
            "members out of order",
            |z| {
                z.locals.swap(0, 1);
                z.centrals.swap(0, 1);
            },
            "out of order",
        ),
        (
            "two names that differ in case",
            |z| {
                let i = z.index("VERIFY.txt");
                let (mut l, mut c) = (z.locals[i].clone(), z.centrals[i].clone());
                l.name = b"VERIFY.TXT".to_vec();
                c.name = b"VERIFY.TXT".to_vec();
                z.locals.insert(i, l);
                z.centrals.insert(i, c);
                z.gaps.push(Vec::new());
            },
            "differs from another only in case",
        ),
        (
            "a directory entry",
            |z| {
                let i = z.index("VERIFY.txt");
                z.locals[i].name = b"VERIFY.tx/".to_vec();
                z.centrals[i].name = b"VERIFY.tx/".to_vec();
            },
            "a bundle has no directories",
        ),
    ]
}

#[test]
fn a_second_central_directory_is_refused() {
    let (r, zip) = (scratch(), &fixture().zip);
    let original = Zip::parse(zip);
    let cd_offset = get32(&original.end, 16);
    // The forgery: a report with another coverage and a SHA256SUMS vouching for it, zipped
    // and appended with a directory that unzip finds at (end - size) while the end record
    // still declares the original directory's offset.
    let mut report: serde_json::Value = serde_json::from_slice(
        &zipfmt::read_all(zip, zipfmt::DEFAULT_LIMITS).unwrap()["report.json"],
    )
    .unwrap();
    report["summary"]["coverage_pct"] = serde_json::json!(99.99);
    let forged_report = serde_json::to_vec_pretty(&report).unwrap();
    let sums = format!(
        "{}  report.json\n",
        vigocli::audit::bundle::sha256_hex(&forged_report)
    );
    let mut w = zipfmt::Writer::new(zipfmt::DosTime::of(jiff::Timestamp::UNIX_EPOCH));
    w.add("SHA256SUMS", sums.as_bytes()).unwrap();
    w.add("report.json", &forged_report).unwrap();
    let mut fake = Zip::parse(&w.finish().unwrap());
    let fake_bytes = fake.bytes();
    let fake_cd = get32(&fake.end, 16);
    let mut attack = zip.clone();
    let start = attack.len() as u32;
    // Python's zipfile and unzip add (found - declared) directory offset to every entry.
    let shift = (start + fake_cd) - cd_offset;
    attack.extend_from_slice(&fake_bytes[..fake_cd as usize]);
    for c in &mut fake.centrals {
        let o = get32(&c.fixed, 42);
        put32(&mut c.fixed, 42, start + o - shift);
        attack.extend_from_slice(&c.fixed);
        attack.extend_from_slice(&c.name);
    }
    let mut end = original.end.clone();
    put32(&mut end, 12, (attack.len() as u32) - (start + fake_cd));
    attack.extend_from_slice(&end);

    // The attack is real: Python's zipfile extracts the forged report from this file.
    if let Some(python) = tool("python3") {
        let path = r.path().join("attack.zip");
        std::fs::write(&path, &attack).unwrap();
        let out = Command::new(python)
            .args([
                "-c",
                "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('report.json'))",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(
            out.stdout,
            forged_report,
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let run = verify(&r, &attack, &["--key", "k.pub"]);
    rejected(
        &run,
        "zip-structure",
        "bytes were inserted or a second directory was added",
    );
}

#[test]
fn every_layout_deviation_is_refused() {
    let (r, zip) = (scratch(), &fixture().zip);
    let original = Zip::parse(zip);
    assert_eq!(original.bytes(), *zip, "the test's reassembly is exact");
    assert!(lib_verify(zip).ok());
    for (what, mutate, why) in deviations() {
        let mut z = original.clone();
        mutate(&mut z);
        let bytes = z.bytes();
        let outcome = lib_verify(&bytes);
        let first = outcome.first_failure();
        assert!(
            first.is_some_and(|f| f.name == "zip-structure" && f.detail.contains(why)),
            "{what}: expected zip-structure `{why}`, got {first:?}"
        );
    }
    // Through the binary too, for one of them.
    let mut z = original.clone();
    z.gaps[1] = vec![0; 4];
    rejected(
        &verify(&r, &z.bytes(), &["--key", "k.pub"]),
        "zip-structure",
        "but the previous member ends at",
    );
}

#[test]
fn links_and_devices_are_refused_whatever_host_made_them() {
    let (r, zip) = (scratch(), &fixture().zip);
    let original = Zip::parse(zip);
    let i = original.index("VERIFY.txt");
    for host in [0u16, 2, 3, 5, 10, 16, 19, 30] {
        for mode in [
            0o120_777u32, // symbolic link
            0o010_644,    // FIFO
            0o020_644,    // character device
            0o060_644,    // block device
            0o040_755,    // directory
            0o140_644,    // socket
            0o104_644,    // setuid file
        ] {
            let mut z = original.clone();
            put16(&mut z.centrals[i].fixed, MADE_BY, (host << 8) | 20);
            put32(&mut z.centrals[i].fixed, EXTERNAL, mode << 16);
            let outcome = lib_verify(&z.bytes());
            let f = outcome.first_failure();
            assert!(
                f.is_some_and(|f| f.name == "zip-structure"),
                "host {host} mode {mode:o} got through: {f:?}"
            );
        }
        // A regular file's mode from another host is refused as well: only host 3 is written.
        if host != 3 {
            let mut z = original.clone();
            put16(&mut z.centrals[i].fixed, MADE_BY, (host << 8) | 20);
            assert!(!lib_verify(&z.bytes()).ok(), "host {host}");
        }
    }
    // The case the attack used: a link declared by a non-Unix host.
    let mut z = original.clone();
    put16(&mut z.centrals[i].fixed, MADE_BY, (2 << 8) | 20);
    put32(&mut z.centrals[i].fixed, EXTERNAL, 0o120_777 << 16);
    rejected(
        &verify(&r, &z.bytes(), &["--key", "k.pub"]),
        "zip-structure",
        "member `VERIFY.txt` is a symbolic link",
    );
}

/// A deflate stream of `n` zero bytes, made without holding them.
fn zeros_deflated(n: u64) -> (Vec<u8>, u32) {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    let mut crc = crc32fast::Hasher::new();
    let mut left = n;
    while left > 0 {
        let k = left.min(chunk.len() as u64) as usize;
        enc.write_all(&chunk[..k]).unwrap();
        crc.update(&chunk[..k]);
        left -= k as u64;
    }
    (enc.finish().unwrap(), crc.finalize())
}

/// Peak resident set of `vigocli args…` in KiB, measured by the parent (python3).
fn peak_rss_kib(dir: &Path, args: &[&str]) -> Option<(i32, u64)> {
    let python = tool("python3")?;
    let out = Command::new(python)
        .args([
            "-c",
            "import resource, subprocess, sys\n\
             p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n\
             print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
            env!("CARGO_BIN_EXE_vigocli"),
        ])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

#[test]
fn zip_bombs_are_refused_before_inflating_or_streamed_in_bounded_memory() {
    let (r, zip) = (scratch(), &fixture().zip);
    let members = zipfmt::read_all(zip, zipfmt::DEFAULT_LIMITS).unwrap();
    let bomb = |size: u64| {
        let (deflated, crc) = zeros_deflated(size);
        let mut w = zipfmt::Writer::new(zipfmt::DosTime::of(jiff::Timestamp::UNIX_EPOCH));
        for (name, bytes) in &members {
            if name == "report.html" {
                w.add_deflated(name, &deflated, crc, size).unwrap();
            } else {
                w.add(name, bytes).unwrap();
            }
        }
        w.finish().unwrap()
    };
    // A member declaring more than the per-member cap: refused from its header alone.
    let mut z = Zip::parse(zip);
    let i = z.index("report.html");
    z.both32(i, SIZE.0, SIZE.1, 3 << 30);
    rejected(
        &verify(&r, &z.bytes(), &[]),
        "zip-structure",
        "over the 536870912 byte cap",
    );
    // Members adding up to more than the total cap: refused before inflating too.
    let mut z = Zip::parse(zip);
    for name in ["report.html", "report.json", "VERIFY.txt"] {
        let i = z.index(name);
        z.both32(i, SIZE.0, SIZE.1, 500 << 20);
    }
    rejected(
        &verify(&r, &z.bytes(), &[]),
        "zip-structure",
        "over the 1073741824 byte cap",
    );
    // The manifest and the other small files are read whole, so their cap is small.
    let mut z = Zip::parse(zip);
    let i = z.index("manifest.json");
    z.both32(i, SIZE.0, SIZE.1, 32 << 20);
    rejected(
        &verify(&r, &z.bytes(), &[]),
        "zip-structure",
        "member `manifest.json` declares 33554432 bytes; at most 16777216",
    );
    // An honest 1 GiB member (a 1 MB zip) inside raised caps is inflated as a stream: the
    // bundle fails on its digest, and memory stays flat.
    let big = bomb(1 << 30);
    assert!(big.len() < 2 << 20, "{} bytes", big.len());
    std::fs::write(r.path().join("bomb.zip"), &big).unwrap();
    let Some((code, kib)) = peak_rss_kib(
        r.path(),
        &[
            "compliance",
            "verify",
            "bomb.zip",
            "--max-entry-mib",
            "2048",
            "--max-total-mib",
            "4096",
        ],
    ) else {
        return missing("python3");
    };
    eprintln!("verify of a 1 GiB member: peak RSS {kib} KiB");
    assert_eq!(code, 1, "the bomb verifies as a changed report.html");
    assert!(kib <= 64 * 1024, "peak RSS {kib} KiB over 64 MiB");
}

// ---- differential: what verify accepts, unzip and zipfile extract -------------------

/// `name`, if installed. Under CI a missing tool fails the test (the workflow installs
/// them); elsewhere the caller says the check was ignored.
fn tool(name: &str) -> Option<&'static str> {
    let found = Command::new(name)
        .arg(if name == "unzip" { "-v" } else { "--version" })
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return Some(match name {
            "unzip" => "unzip",
            _ => "python3",
        });
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{name} is required under CI (.ci/run installs it)"
    );
    None
}

fn missing(name: &str) {
    eprintln!("ignored: {name} is not installed, the check did not run");
}

/// A small deterministic generator (xorshift), so the corpus is the same every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The corpus: the bundle, consistent rewrites that keep its content (times), every
/// deviation, random field edits in a consistent layout, and random byte edits.
fn corpus(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let original = Zip::parse(zip);
    let mut out = vec![("original".to_string(), zip.to_vec())];
    for t in [0u16, 1, 0x1234, 0xffff] {
        let mut z = original.clone();
        for i in 0..z.locals.len() {
            z.both16(i, TIME.0, TIME.1, t);
        }
        out.push((format!("time {t:#x}"), z.bytes()));
    }
    for (what, mutate, _) in deviations() {
        let mut z = original.clone();
        mutate(&mut z);
        out.push((what.to_string(), z.bytes()));
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for n in 0..300 {
        let mut z = original.clone();
        let i = rng.below(z.locals.len());
        let value = [0u32, 1, 0xff, 0xffff, 0xffff_ffff, rng.next() as u32][rng.below(6)];
        if rng.below(2) == 0 {
            let at = 4 + 2 * rng.below(12);
            put16(&mut z.centrals[i].fixed, at, value as u16);
        } else {
            let at = 4 + 2 * rng.below(12);
            put16(&mut z.locals[i].fixed, at, value as u16);
        }
        out.push((format!("field edit {n}"), z.bytes()));
    }
    for n in 0..300 {
        let mut b = zip.to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(b.len());
            b[at] = rng.next() as u8;
        }
        out.push((format!("byte edit {n}"), b));
    }
    out
}

fn digests(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(n, b)| (n.clone(), vigocli::audit::bundle::sha256_hex(b)))
        .collect()
}

/// What Info-ZIP unzip extracts: every file under the directory, by relative path.
fn unzip_extract(unzip: &str, zip: &Path, dir: &Path) -> BTreeMap<String, String> {
    let status = Command::new(unzip)
        .args(["-qq", "-o", "-d"])
        .arg(dir)
        .arg(zip)
        .stdin(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "unzip failed on {}", zip.display());
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).follow_links(false) {
        let e = e.unwrap();
        if e.path() == dir {
            continue;
        }
        assert!(
            e.file_type().is_file(),
            "unzip created a non-file {}",
            e.path().display()
        );
        let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
        files.insert(rel, std::fs::read(e.path()).unwrap());
    }
    digests(&files)
}

#[test]
fn standard_unzips_extract_exactly_what_verify_verified() {
    let (r, zip) = (scratch(), &fixture().zip);
    let (Some(unzip), Some(python)) = (tool("unzip"), tool("python3")) else {
        return missing("unzip or python3");
    };
    let dir = r.path().join("differential");
    std::fs::create_dir_all(&dir).unwrap();
    let mut accepted = Vec::new();
    let cases = corpus(zip);
    for (what, bytes) in &cases {
        if lib_verify(bytes).ok() {
            let verified = zipfmt::read_all(bytes, zipfmt::DEFAULT_LIMITS)
                .unwrap_or_else(|e| panic!("{what}: verified but unreadable: {e}"));
            let path = dir.join(format!("case-{}.zip", accepted.len()));
            std::fs::write(&path, bytes).unwrap();
            accepted.push((what.clone(), path, digests(&verified)));
        }
    }
    // Not vacuous: the bundle and its content-preserving rewrites verify.
    let names: Vec<&str> = accepted.iter().map(|(w, _, _)| w.as_str()).collect();
    eprintln!(
        "{} of {} cases verified: {names:?}",
        accepted.len(),
        cases.len()
    );
    assert!(
        names.contains(&"original") && names.iter().filter(|n| n.starts_with("time")).count() == 4,
        "{names:?}"
    );
    // Almost nothing else does, and every deviation is refused.
    for (what, _, _) in deviations() {
        assert!(!names.contains(&what), "{what} verified");
    }

    let script = "import hashlib, json, sys, zipfile\n\
                  out = {}\n\
                  for p in sys.argv[1:]:\n\
                  \x20   z = zipfile.ZipFile(p)\n\
                  \x20   out[p] = {i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}\n\
                  \x20   assert len(out[p]) == len(z.infolist()), 'duplicate names'\n\
                  print(json.dumps(out))";
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(accepted.iter().map(|(_, p, _)| p))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let python_view: BTreeMap<String, BTreeMap<String, String>> =
        serde_json::from_slice(&out.stdout).unwrap();
    for (n, (what, path, verified)) in accepted.iter().enumerate() {
        let seen = &python_view[&path.display().to_string()];
        assert_eq!(seen, verified, "{what}: Python's zipfile reads other bytes");
        let into = dir.join(format!("unzip-{n}"));
        assert_eq!(
            &unzip_extract(unzip, path, &into),
            verified,
            "{what}: unzip extracts other bytes"
        );
    }
    // The verified bundle's files also check with sha256sum -c, as VERIFY.txt says.
    let into = dir.join("unzip-0");
    let sums = Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(&into)
        .output()
        .unwrap();
    assert!(
        sums.status.success(),
        "{}",
        String::from_utf8_lossy(&sums.stdout)
    );
}
