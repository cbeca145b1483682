//! The built-in catalogs (`frameworks/*.yaml` of this source tree), embedded at build time.

use super::{Catalog, RawCatalogFile, parse_catalog_file};
use crate::diag::{Diagnostic, Diagnostics};
use crate::yaml::SourceFile;

include!(concat!(env!("OUT_DIR"), "/builtin_catalogs.rs"));

/// The parsed built-in catalog files, shown as `built-in:<file>` in diagnostics.
pub fn builtin_files(diags: &mut Diagnostics) -> Vec<RawCatalogFile> {
    let mut files = Vec::new();
    for (name, text) in BUILTIN_CATALOGS {
        let src = SourceFile::new(format!("built-in:{name}"), (*text).to_string());
        let (file, d) = parse_catalog_file(&src, true);
        files.extend(file);
        diags.extend(d);
    }
    files
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
