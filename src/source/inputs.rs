//! Every input of a run, remembered by identity (device and inode), so that no output
//! of the same run can overwrite what was read.

use crate::diag::{Code, Diagnostic};
use std::path::Path;
use std::sync::Mutex;

/// The identity of a file: device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt as _;
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }
}

struct Input {
    id: FileId,
    display: String,
    is_dir: bool,
}

/// Every input of this run, by identity.
static INPUTS: Mutex<Vec<Input>> = Mutex::new(Vec::new());

pub(super) fn note(meta: &std::fs::Metadata, display: &str, is_dir: bool) {
    if let Ok(mut inputs) = INPUTS.lock() {
        inputs.push(Input {
            id: FileId::of(meta),
            display: display.to_string(),
            is_dir,
        });
    }
}

/// Records a file read by other means (the audit log, a previous bundle, a key) as an input.
pub fn note_input(path: &Path) {
    if let Ok(meta) = std::fs::metadata(path) {
        note(&meta, &path.display().to_string(), meta.is_dir());
    }
}

/// Refuses, before anything is written, every output file that is an input of this run and
/// every output directory that is an input directory: compared by identity (device and
/// inode, links resolved), not by spelling. Outputs that do not exist yet are new files.
pub fn refuse_overwriting_inputs(files: &[&Path], dirs: &[&Path]) -> Result<(), Vec<Diagnostic>> {
    let Ok(inputs) = INPUTS.lock() else {
        return Ok(());
    };
    let mut errors = Vec::new();
    let mut check = |path: &Path, want_dir: bool| {
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        let id = FileId::of(&meta);
        if let Some(input) = inputs.iter().find(|i| i.id == id && i.is_dir == want_dir) {
            let what = if want_dir {
                "an input directory"
            } else {
                "an input"
            };
            errors.push(
                Diagnostic::error(
                    Code::OutputIsInput,
                    format!(
                        "the output `{}` is {what} of this run (`{}`); writing it would destroy what was read",
                        path.display(),
                        input.display
                    ),
                )
                .help("write the output somewhere else, e.g. a reports/ or out/ directory outside the inputs"),
            );
        }
    };
    for f in files {
        check(f, false);
    }
    for d in dirs {
        check(d, true);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
