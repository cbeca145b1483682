//! The one exit-code table (docs/exit-codes.md). Every command maps its outcome here.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// A gate or a verification failed.
    Failed = 1,
    /// The inputs or the command line are invalid.
    Invalid = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}
