//! `keygen`: an Ed25519 key pair for signing audit bundles.

use super::Outcome;
use super::audit::err;
use crate::audit::keys;
use crate::cli::KeygenArgs;
use crate::diag::Code;
use crate::exit::Exit;
use crate::printer::Printer;
use std::path::PathBuf;

pub fn run(printer: &Printer, args: &KeygenArgs) -> Outcome {
    let mut private = args.output.clone().into_os_string();
    private.push(".key");
    let mut public = args.output.clone().into_os_string();
    public.push(".pub");
    let (private, public) = (PathBuf::from(private), PathBuf::from(public));
    for p in [&private, &public] {
        if p.exists() && !args.force {
            return Err(err(
                Code::WriteFailed,
                format!("`{}` exists; not overwriting a key", p.display()),
                "choose another --output PREFIX, or pass --force",
            ));
        }
    }
    crate::source::refuse_overwriting_inputs(&[&private, &public], &[])?;
    let (sk, pk) = keys::generate().map_err(|e| err(Code::WriteFailed, e, "retry"))?;
    // The private key's temporary file is created 0600: it is never readable by others.
    crate::output::write_atomic_private(&private, sk.as_bytes())
        .map_err(|e| super::write_failed(&private, e))?;
    super::write_file(&public, pk.as_bytes())?;
    printer.note(format!(
        "wrote {} (keep it secret) and {} (give it to your auditors)",
        private.display(),
        public.display()
    ));
    Ok(Exit::Ok)
}
