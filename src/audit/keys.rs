//! ed25519 keys (PKCS#8 / SPKI PEM, the same files `openssl genpkey -algorithm ed25519`
//! writes) and DSSE envelopes over the bundle manifest.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// A new key pair as (private PEM, public PEM).
pub fn generate() -> Result<(String, String), String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no randomness available: {e}"))?;
    let sk = SigningKey::from_bytes(&seed);
    // PKCS#8 v1 (RFC 8410 §7: the seed only), as `openssl genpkey` writes it. The v2 form
    // with the public key attached (ed25519-dalek's default) is refused by OpenSSL 3.0's
    // `openssl pkey` ("unsupported"); the public key is derived from the seed anyway.
    let private = ed25519_dalek::pkcs8::KeypairBytes {
        secret_key: sk.to_bytes(),
        public_key: None,
    }
    .to_pkcs8_pem(LineEnding::LF)
    .map_err(|e| e.to_string())?
    .to_string();
    let public = sk
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| e.to_string())?;
    Ok((private, public))
}

pub fn read_signing_key(path: &Path) -> Result<SigningKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    SigningKey::from_pkcs8_pem(&text).map_err(|e| {
        format!(
            "`{}` is not an ed25519 private key in PKCS#8 PEM ({e}); make one with `vigocli keygen`",
            path.display()
        )
    })
}

pub fn read_verifying_key(path: &Path) -> Result<VerifyingKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    VerifyingKey::from_public_key_pem(&text).map_err(|e| {
        format!(
            "`{}` is not an ed25519 public key in SPKI PEM ({e}); pass the .pub file `vigocli keygen` wrote",
            path.display()
        )
    })
}

/// SHA-256 of the raw 32-byte public key, hex: names the key in the envelope.
pub fn key_id(k: &VerifyingKey) -> String {
    super::chain::hex(&Sha256::digest(k.as_bytes()).into())
}

/// DSSE pre-authentication encoding.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Envelope {
    pub payload_type: String,
    pub payload: String,
    pub signatures: Vec<EnvelopeSignature>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSignature {
    #[serde(default)]
    pub keyid: String,
    pub sig: String,
}

pub fn sign(key: &SigningKey, payload: &[u8]) -> String {
    let sig = key.sign(&pae(PAYLOAD_TYPE, payload));
    let env = Envelope {
        payload_type: PAYLOAD_TYPE.into(),
        payload: B64.encode(payload),
        signatures: vec![EnvelopeSignature {
            keyid: key_id(&key.verifying_key()),
            sig: B64.encode(sig.to_bytes()),
        }],
    };
    let mut s = serde_json::to_string_pretty(&env).unwrap_or_default();
    s.push('\n');
    s
}

/// Checks that the envelope carries exactly `payload` and a valid signature by `key`.
pub fn verify(envelope: &[u8], payload: &[u8], key: &VerifyingKey) -> Result<(), String> {
    let env: Envelope = serde_json::from_slice(envelope)
        .map_err(|e| format!("the signature envelope is not DSSE JSON: {e}"))?;
    if env.payload_type != PAYLOAD_TYPE {
        return Err(format!(
            "payloadType is `{}`, not `{PAYLOAD_TYPE}`",
            env.payload_type
        ));
    }
    let signed = B64
        .decode(env.payload.as_bytes())
        .map_err(|e| format!("payload is not base64: {e}"))?;
    if signed != payload {
        return Err("the envelope signs a different manifest than manifest.json".into());
    }
    let pae = pae(&env.payload_type, &signed);
    for s in &env.signatures {
        let Ok(bytes) = B64.decode(s.sig.as_bytes()) else {
            continue;
        };
        let Ok(sig) = Signature::from_slice(&bytes) else {
            continue;
        };
        if key.verify(&pae, &sig).is_ok() {
            return Ok(());
        }
    }
    Err(format!(
        "no signature verifies with the given key (key id {})",
        key_id(key)
    ))
}
