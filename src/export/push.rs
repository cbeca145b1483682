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

/// Replaces every occurrence of the token (a server may echo headers back).
pub fn redact(text: &str, token: &str) -> String {
    if token.is_empty() {
        text.to_string()
    } else {
        text.replace(token, "[redacted]")
    }
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
                    let text = r
                        .body_mut()
                        .with_config()
                        .limit(4096)
                        .read_to_string()
                        .unwrap_or_default();
                    let snippet: String = text.chars().take(200).collect();
                    let retryable = status == 429 || (500..600).contains(&status);
                    (
                        retryable,
                        retry_after,
                        redact(&format!("HTTP {status} {}", snippet.trim()), token),
                    )
                }
                Err(e) => (true, None, redact(&e.to_string(), token)),
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
