//! The built-in catalogs (`frameworks/*.yaml` of this source tree), embedded at build time.

use super::{Catalog, RawCatalogFile, parse_catalog_file};
use crate::diag::{Diagnostic, Diagnostics};
use crate::yaml::SourceFile;
use std::sync::LazyLock;

include!(concat!(env!("OUT_DIR"), "/builtin_catalogs.rs"));

/// The built-in catalog files parsed once per process (they are part of the binary): a
/// command that loads the repository many times (`trend --from-git`, one load per day)
/// parses them once.
static PARSED: LazyLock<(Vec<RawCatalogFile>, Vec<Diagnostic>)> = LazyLock::new(|| {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for (name, text) in BUILTIN_CATALOGS {
        let src = SourceFile::new(format!("built-in:{name}"), (*text).to_string());
        let (file, d) = parse_catalog_file(&src, true);
        files.extend(file);
        diags.extend(d);
    }
    (files, diags)
});

/// The parsed built-in catalog files, shown as `built-in:<file>` in diagnostics.
pub fn builtin_files(diags: &mut Diagnostics) -> Vec<RawCatalogFile> {
    let (files, d) = &*PARSED;
    diags.extend(d.iter().cloned());
    files.clone()
}

/// The built-in catalog alone (for `catalog` commands and tests).
pub fn builtin() -> Result<Catalog, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let files = builtin_files(&mut diags);
    let cat = Catalog::build(files, &mut diags);
    if diags.has_errors() {
        Err(diags.into_sorted())
    } else {
        Ok(cat)
    }
}
