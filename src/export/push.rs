//! Pushing GRC evidence to an HTTP endpoint: batches of records POSTed as JSON with a
//! bearer token, retried with exponential backoff on 429 and 5xx (honouring a
//! `Retry-After` given in seconds). The token is read from an environment variable or a
//! file, never from the command line, and every message that could carry it is redacted.

use std::time::Duration;

/// Attempts per request, the first included.
pub const MAX_ATTEMPTS: u32 = 4;
/// Backoff before the second attempt; doubled for each further one.
pub const BASE_BACKOFF: Duration = Duration::from_millis(250);
/// A server's `Retry-After` is honoured up to this long.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
const TIMEOUT: Duration = Duration::from_secs(60);

/// Why a token source is unusable (a usage error: exit 2).
pub fn check_token(token: &str, source: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err(format!("the token from {source} is empty"));
    }
    if token.chars().any(|c| c.is_control() || c == ' ') {
        return Err(format!(
            "the token from {source} contains whitespace or control characters"
        ));
    }
    Ok(())
}

/// Plain http would expose the token on the network: only https, or http to loopback.
pub fn check_endpoint(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") && url.len() > "https://".len() {
        return Ok(());
    }
    if let Some(rest) = lower.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = match host.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
            _ => host,
        };
        if matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            return Ok(());
        }
        return Err(format!(
            "refusing to send the token over plain http to `{host}`"
        ));
    }
    Err(format!("`{url}` is not an http(s) URL"))
}

/// Token prefixes this long or longer are redacted too (a server may echo a cut token).
pub const MIN_REDACTED_PREFIX: usize = 6;
/// The part of a server's reply shown in a message, in characters (after redaction).
pub const BODY_SHOWN: usize = 200;

/// Replaces every echo of the token with `[redacted]` (a server may echo headers back):
/// raw, JSON-escaped (`\/`, `\uXXXX`), URL-encoded (any mix, either hex case) and base64
/// (standard and URL-safe alphabets, at each of the three byte alignments), and any prefix of
/// [`MIN_REDACTED_PREFIX`] or more characters of those (a reply cut inside the token).
pub fn redact(text: &str, token: &str) -> String {
    if token.is_empty() {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut hidden = vec![false; bytes.len()];
    let mut mark = |start: usize, len: usize| {
        for h in &mut hidden[start..start + len] {
            *h = true;
        }
    };
    let token_chars: Vec<char> = token.chars().collect();
    let min_chars = MIN_REDACTED_PREFIX.min(token_chars.len());
    let b64 = base64_forms(token);
    for start in 0..bytes.len() {
        let (chars, len) = encoded_prefix(&bytes[start..], &token_chars);
        if chars >= min_chars {
            mark(start, len);
        }
        for form in &b64 {
            let len = common_prefix(&bytes[start..], form.as_bytes());
            if len >= MIN_REDACTED_PREFIX.min(form.len()) {
                mark(start, len);
            }
        }
    }
    // Whole characters only: a redacted range never splits a UTF-8 sequence.
    let mut out = String::with_capacity(text.len());
    let mut in_redaction = false;
    for (i, c) in text.char_indices() {
        if hidden[i..i + c.len_utf8()].iter().any(|&h| h) {
            if !in_redaction {
                out.push_str("[redacted]");
                in_redaction = true;
            }
        } else {
            in_redaction = false;
            out.push(c);
        }
    }
    out
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// How many leading characters of the token `text` spells at its start, each written raw,
/// JSON-escaped or percent-encoded, and how many bytes of `text` that takes.
fn encoded_prefix(text: &[u8], token: &[char]) -> (usize, usize) {
    let mut at = 0;
    for (n, &c) in token.iter().enumerate() {
        match encoded_char(&text[at..], c) {
            Some(len) => at += len,
            None => return (n, at),
        }
    }
    (token.len(), at)
}

/// The length of the encoding of `c` that `text` starts with, if any.
fn encoded_char(text: &[u8], c: char) -> Option<usize> {
    let mut utf8 = [0u8; 4];
    let raw = c.encode_utf8(&mut utf8).as_bytes();
    if text.starts_with(raw) {
        return Some(raw.len());
    }
    // Percent-encoding, byte by byte, either hex case.
    if raw.iter().enumerate().all(|(i, &b)| {
        text.get(i * 3) == Some(&b'%') && hex_is(text.get(i * 3 + 1..i * 3 + 3), u32::from(b))
    }) {
        return Some(raw.len() * 3);
    }
    if text.first() != Some(&b'\\') {
        return None;
    }
    // JSON: `\/`, `\"`, `\\`, or `\uXXXX` per UTF-16 unit (either hex case).
    if matches!(c, '/' | '"' | '\\') && text.get(1..2) == Some(raw) {
        return Some(2);
    }
    let mut units = [0u16; 2];
    let mut at = 0;
    for &u in c.encode_utf16(&mut units).iter() {
        if text.get(at..at + 2) != Some(b"\\u") || !hex_is(text.get(at + 2..at + 6), u32::from(u)) {
            return None;
        }
        at += 6;
    }
    Some(at)
}

/// Whether `digits` are the hexadecimal digits of `value` (either case).
fn hex_is(digits: Option<&[u8]>, value: u32) -> bool {
    digits
        .and_then(|d| std::str::from_utf8(d).ok())
        .and_then(|d| u32::from_str_radix(d, 16).ok())
        .is_some_and(|v| v == value)
}

/// The base64 text that encodes the token wherever it starts within a 3-byte group: for
/// each alignment, the characters that depend on the token's bytes only (standard and
/// URL-safe alphabets).
fn base64_forms(token: &str) -> Vec<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let mut forms = Vec::new();
    for pad in 0..3usize {
        let mut data = vec![0u8; pad];
        data.extend_from_slice(token.as_bytes());
        let first = (8 * pad).div_ceil(6);
        let last = 8 * data.len() / 6;
        for engine in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
            let encoded = engine.encode(&data);
            if let Some(inner) = encoded.get(first..last)
                && !inner.is_empty()
                && !forms.iter().any(|f| f == inner)
            {
                forms.push(inner.to_string());
            }
        }
    }
    forms
}

/// What a server said, fit for a one-line message: the token redacted in the whole reply
/// first, control characters escaped, then cut at [`BODY_SHOWN`] characters.
pub fn shown_body(body: &str, token: &str) -> String {
    let redacted = redact(body, token);
    let escaped = crate::escape::terminal(redacted.trim());
    let mut shown: String = escaped.chars().take(BODY_SHOWN).collect();
    if escaped.chars().nth(BODY_SHOWN).is_some() {
        shown.push('…');
    }
    shown
}

pub struct Client {
    agent: ureq::Agent,
    user_agent: String,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

impl Client {
    pub fn new() -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            // A redirect could carry the token to another URL: report it instead.
            .max_redirects(0)
            .build()
            .into();
        Client {
            agent,
            user_agent: format!("vigocli/{}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// POSTs one body, retrying as documented. `log` receives one line per attempt
    /// (already redacted). Returns the final status, or the failure message.
    pub fn post(
        &self,
        url: &str,
        token: &str,
        idempotency_key: &str,
        body: &[u8],
        log: &mut dyn FnMut(String),
    ) -> Result<u16, String> {
        let mut attempt = 1;
        loop {
            let resp = self
                .agent
                .post(url)
                .header("Authorization", &format!("Bearer {token}"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("User-Agent", &self.user_agent)
                .header("Idempotency-Key", idempotency_key)
                .send(body);
            let (retryable, wait, message) = match resp {
                Ok(mut r) => {
                    let status = r.status().as_u16();
                    if (200..300).contains(&status) {
                        log(format!("attempt {attempt}: HTTP {status}"));
                        return Ok(status);
                    }
                    let retry_after = r
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER));
                    // The first 4 KiB of the reply, whatever its length or encoding.
                    let mut head = Vec::new();
                    let _ = std::io::Read::read_to_end(
                        &mut std::io::Read::take(r.body_mut().as_reader(), 4096),
                        &mut head,
                    );
                    let text = String::from_utf8_lossy(&head);
                    let retryable = status == 429 || (500..600).contains(&status);
                    (
                        retryable,
                        retry_after,
                        format!("HTTP {status} {}", shown_body(&text, token)),
                    )
                }
                Err(e) => (
                    true,
                    None,
                    crate::escape::terminal(&redact(&e.to_string(), token)).into_owned(),
                ),
            };
            log(format!("attempt {attempt}: {message}"));
            if !retryable || attempt >= MAX_ATTEMPTS {
                return Err(message);
            }
            let backoff = BASE_BACKOFF * 2u32.pow(attempt - 1);
            std::thread::sleep(wait.unwrap_or(backoff));
            attempt += 1;
        }
    }
}
