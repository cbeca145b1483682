//! The hash-chained audit log (`audit-chain/v1`, docs/audit.md) and the audit bundle an
//! auditor verifies offline.

pub mod bundle;
pub mod chain;
pub mod evidence;
pub mod jcs;
pub mod keys;
pub mod verify;
pub mod zipfmt;
