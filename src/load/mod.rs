//! Discover the repository's files, parse them, and validate them into a [`Model`],
//! collecting every diagnostic before giving up.

mod applicability;
mod configcrates;
mod envoy_tree;
pub mod evidence;
mod files;
mod host_globs;
mod inventory;
mod refs;
mod resolve;
mod roles;

mod stacks;
mod traits;
mod waiver_match;
mod waivers;

/// The built-in catalog lives in [`catalog::builtin`]; this name stays for its callers.
pub use crate::catalog::builtin as builtin_catalog;
/// Digests in reports are spelled by the one hex encoder.
pub use crate::hex::encode as hex;
pub use files::{FilesOutcome, validate_files};

use crate::catalog::{self, Catalog};
use crate::diag::{Code, Diagnostic, Diagnostics, Location};
use crate::model::Model;
use crate::settings::Settings;
use crate::yaml::SourceFile;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Records every input file's digest, for the report's `inputs_digest`.
#[derive(Default)]
pub struct InputLog {
    entries: Mutex<Vec<(String, [u8; 32])>>,
}

impl InputLog {
    fn record(&self, display: &str, bytes: &[u8]) {
        self.record_parts(display, &[bytes]);
    }

    /// Records a file whose bytes are `parts`, in order.
    fn record_parts(&self, display: &str, parts: &[&[u8]]) {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        let digest: [u8; 32] = h.finalize().into();
        if let Ok(mut e) = self.entries.lock() {
            e.push((display.to_string(), digest));
        }
    }

    /// (path, SHA-256 hex) of every input, sorted by path.
    fn files(&self) -> Vec<(String, String)> {
        let mut entries = self.entries.lock().map(|e| e.clone()).unwrap_or_default();
        entries.sort();
        entries.into_iter().map(|(p, d)| (p, hex(&d))).collect()
    }

    fn digest(&self) -> String {
        let mut entries = self.entries.lock().map(|e| e.clone()).unwrap_or_default();
        entries.sort();
        let mut h = Sha256::new();
        for (path, d) in entries {
            h.update(path.as_bytes());
            h.update([0]);
            h.update(d);
        }
        hex(&h.finalize())
    }
}

pub use crate::source::display_path;

/// Reads an input file found by a walk of the repository (or a path already checked to be
/// inside it) as UTF-8: see [`source::Scope`] for the rules every input follows.
pub fn read_source(
    settings: &Settings,
    path: &Path,
    inputs: &InputLog,
) -> Result<SourceFile, Diagnostic> {
    let bytes = settings.scope.read_checked(path)?;
    let display = settings.scope.display(path);
    inputs.record(&display, &bytes);
    text_source(display, bytes)
}

/// [`read_source`] for a large input: `parse` reads its text while its digest is computed
/// on another thread.
pub fn read_source_with<R: Send>(
    settings: &Settings,
    path: &Path,
    inputs: &InputLog,
    parse: impl FnOnce(&SourceFile) -> R + Send,
) -> Result<R, Diagnostic> {
    const BOM: &str = "\u{feff}";
    let bytes = settings.scope.read_checked(path)?;
    let display = settings.scope.display(path);
    let bom = bytes.starts_with(BOM.as_bytes());
    let src = text_source(display.clone(), bytes)?;
    // The digest is of the bytes as read: the byte-order mark the text dropped comes first.
    let bom: &[u8] = if bom { BOM.as_bytes() } else { b"" };
    let ((), parsed) = rayon::join(
        || inputs.record_parts(&display, &[bom, src.text.as_bytes()]),
        || parse(&src),
    );
    Ok(parsed)
}

/// UTF-8 text of an input (a byte-order mark dropped), or `not-utf8` at the first bad byte.
pub fn text_source(display: String, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    let file: Arc<str> = Arc::from(display.as_str());
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.remove(0);
            }
            Ok(SourceFile::new(file, text))
        }
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let text = String::from_utf8_lossy(valid);
            let (line, col) = crate::source::line_col(&text, text.len());
            Err(
                Diagnostic::error(Code::NotUtf8, format!("`{display}` is not valid UTF-8"))
                    .at(Location { file, line, col })
                    .help("save the file as UTF-8"),
            )
        }
    }
}

fn load_catalog(settings: &Settings, inputs: &InputLog, diags: &mut Diagnostics) -> Catalog {
    let mut files = catalog::builtin_files(diags);
    let dir = &settings.paths.frameworks;
    let mut walk_errors = Vec::new();
    let paths = settings.scope.walk(
        dir,
        |p| matches!(ext(p), Some("yaml" | "yml")),
        &mut walk_errors,
    );
    diags.extend(walk_errors);
    {
        for path in paths {
            match read_source(settings, &path, inputs) {
                Ok(src) => {
                    let (file, d) = catalog::parse_catalog_file(&src, false);
                    files.extend(file);
                    diags.extend(d);
                }
                Err(d) => diags.push(d),
            }
        }
    }
    Catalog::build(files, diags)
}

pub fn ext(p: &Path) -> Option<&str> {
    p.extension().and_then(|e| e.to_str())
}

/// Files under `dir` (recursively, hidden entries skipped) accepted by `keep`, in path
/// order, with a diagnostic for everything that cannot be walked (see [`source::Scope::walk`]).
pub fn sorted_files(
    settings: &Settings,
    dir: &Path,
    keep: impl Fn(&Path) -> bool,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    let mut errors = Vec::new();
    let files = settings.scope.walk(dir, keep, &mut errors);
    diags.extend(errors);
    files
}

/// `[frameworks.<id>]` tables of vigocli.toml must name real frameworks and controls.
fn check_config(settings: &Settings, catalog: &Catalog, diags: &mut Diagnostics) {
    if settings.frameworks.is_empty() {
        return;
    }
    let text = settings.config_text.clone().unwrap_or_default();
    let src = SourceFile::new(crate::settings::CONFIG_FILE, text);
    for (id, fc) in &settings.frameworks {
        let (line, col) = (fc.location.line, fc.location.col);
        let Some(fw) = catalog.framework_index(id) else {
            diags.push(
                src.diag_at(
                    Diagnostic::error(
                        Code::UnknownFramework,
                        format!("`[frameworks.{id}]` in vigocli.toml names no framework"),
                    )
                    .help(catalog::suggest_framework(catalog, id)),
                    line,
                    col,
                ),
            );
            continue;
        };
        for c in &fc.must_cover {
            if let Err(e) = catalog.resolve_control(fw, &c.control) {
                let (line, col) = (c.location.line, c.location.col);
                diags.push(src.diag_at(catalog.control_diagnostic(fw, &c.control, &e), line, col));
            }
        }
        for source in &fc.infer_from {
            let (line, col) = (source.location.line, source.location.col);
            let name = &source.control;
            let Some(from) = catalog.framework_index(name) else {
                diags.push(
                    src.diag_at(
                        Diagnostic::error(
                            Code::UnknownFramework,
                            format!(
                                "`infer_from` in `[frameworks.{id}]` names no framework: `{name}`"
                            ),
                        )
                        .help(catalog::suggest_framework(catalog, name)),
                        line,
                        col,
                    ),
                );
                continue;
            };
            if catalog.mappings_into(fw, &[from]).is_empty() {
                diags.push(src.diag_at(
                    Diagnostic::error(
                        Code::BadMapping,
                        format!("no mapping leads from `{name}` to `{id}`; `infer_from` has nothing to use"),
                    )
                    .help("`vigocli catalog mappings` lists the mappings; a repository can add its own under `mappings:` in frameworks/ (docs/catalogs.md#mappings)"),
                    line,
                    col,
                ));
            }
        }
    }
}

/// [`load`] for a command that uses one model until the process exits: the model is never
/// freed, because the process is about to exit and the operating system takes its memory
/// back at once, while freeing a 100,000-envoy model piece by piece costs about a tenth of
/// a report's time (docs/benchmarks.md).
pub fn load_once(settings: &Settings) -> Result<std::mem::ManuallyDrop<Model>, Vec<Diagnostic>> {
    load(settings).map(std::mem::ManuallyDrop::new)
}

/// Loads and validates everything. On error, returns every diagnostic (errors and warnings).
pub fn load(settings: &Settings) -> Result<Model, Vec<Diagnostic>> {
    settings.require_repository().map_err(|d| vec![d])?;
    let inputs = InputLog::default();
    let mut diags = Diagnostics::default();
    // vigocli.toml's errors are reported with the rest, unless they leave the paths unknown.
    diags.extend(settings.config_errors.iter().cloned());
    if !settings.paths_known {
        return Err(diags.into_sorted());
    }
    if let Some(text) = &settings.config_text {
        inputs.record(crate::settings::CONFIG_FILE, text.as_bytes());
    }
    let mut catalog_diags = Diagnostics::default();
    let catalog = load_catalog(settings, &inputs, &mut catalog_diags);
    check_config(settings, &catalog, &mut catalog_diags);
    let catalog_failed = catalog_diags.has_errors();
    diags.extend(catalog_diags.into_sorted());
    if catalog_failed {
        // Without a sound catalog every tag would be misreported; stop here.
        return Err(diags.into_sorted());
    }
    // Evidence records (parsing them, hashing their documents) depend on nothing but the
    // catalog: they load while the stacks tree and the inventory do. Their diagnostics are
    // added after the others', in the order they always had.
    let mut evidence_diags = Diagnostics::default();
    let fleet = !settings.paths.inventory.is_empty();
    let ((tree, inventory), (evidence, evidence_filters, results)) = rayon::join(
        || {
            let tree = stacks::load(settings, &catalog, &inputs, &mut diags);
            let inventory = fleet.then(|| inventory::load(settings, &inputs, &mut diags));
            (tree, inventory)
        },
        || {
            // Connwaer results depend on the catalog alone too (their envoys are looked up
            // once the inventory is resolved).
            let (evidence, filters) =
                evidence::load(settings, &catalog, &inputs, &mut evidence_diags);
            let results =
                fleet.then(|| traits::load(settings, &catalog, &inputs, &mut evidence_diags));
            (evidence, filters, results)
        },
    );
    diags.extend(evidence_diags.into_sorted());
    let inventory = inventory.zip(results);
    let mut model = resolve::build(settings, catalog, tree, inventory, &mut diags);
    model.evidence = evidence;
    evidence::apply(&mut model, evidence_filters, &mut diags);
    if diags.has_errors() {
        // Every finding with the errors, the ignored Connwaer results made into theirs.
        let made: Vec<Diagnostic> = model
            .ignored_results
            .iter()
            .map(|r| r.diagnostic(&model))
            .collect();
        diags.extend(made);
        return Err(diags.into_sorted());
    }
    model.findings = diags.into_sorted();
    model.inputs_digest = inputs.digest();
    model.input_files = inputs.files();
    Ok(model)
}
