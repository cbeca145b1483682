//! `check FILES…`: validate just the given `.vgo` files, fast enough for a pre-commit hook.
//!
//! A configcrate, a `configcrates/**/compliance.vgo` or a waivers file only references the
//! catalogs, so it is validated on its own (the catalogs are embedded; the repo's
//! `frameworks/` is read too). Envoy-tree files (`common.vgo`, `roles.vgo`, match-block
//! files) reference configcrates and roles by name, so when one of them is given the whole
//! stacks tree is loaded (never the inventory or Connwaer results) and only diagnostics
//! located in the given files are kept. Cross-file checks of configcrates (two files with
//! one name) are left to the whole-repository `check`.

use super::stacks::{self, Kind};
use super::{InputLog, configcrates, display_path, waivers};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::WaiverState;
use crate::settings::Settings;
use crate::yaml::Reader;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What `check FILES…` found.
pub struct FilesOutcome {
    /// Errors and warnings located in the given files (sorted).
    pub diagnostics: Vec<Diagnostic>,
    /// Repository-relative paths of the files that were validated.
    pub checked: Vec<String>,
}

pub fn validate_files(settings: &Settings, files: &[PathBuf]) -> FilesOutcome {
    let inputs = InputLog::default();
    let mut diags = Diagnostics::default();
    // vigocli.toml's errors are reported with the files' own, unless the paths are unknown.
    diags.extend(settings.config_errors.iter().cloned());
    let not_a_repo = settings.require_repository().err();
    let paths_unknown = !settings.paths_known;
    diags.extend(not_a_repo.clone());
    let mut catalog_diags = Diagnostics::default();
    let catalog = super::load_catalog(settings, &inputs, &mut catalog_diags);
    super::check_config(settings, &catalog, &mut catalog_diags);
    let catalog_failed = catalog_diags.has_errors();
    diags.extend(catalog_diags.into_sorted());
    if catalog_failed || not_a_repo.is_some() || paths_unknown {
        return FilesOutcome {
            diagnostics: diags.into_sorted(),
            checked: Vec::new(),
        };
    }
    let stacks_root = &settings.paths.stacks;
    // The given files are read only if they lie in the stacks tree: it must itself be
    // inside the repository (a linked stacks/ must not make them read from elsewhere).
    if let Err(d) = settings.scope.check_inside(stacks_root) {
        diags.push(d);
        return FilesOutcome {
            diagnostics: diags.into_sorted(),
            checked: Vec::new(),
        };
    }
    let stacks_canon = stacks_root
        .canonicalize()
        .unwrap_or_else(|_| stacks_root.clone());
    let stacks_is_repo = stacks_root.canonicalize().ok() == settings.paths.repo.canonicalize().ok();

    // (relative path under the stacks root, kind) of every given file vigocli reads.
    let mut targets: Vec<(PathBuf, Kind)> = Vec::new();
    for f in files {
        if super::ext(f) != Some("vgo") {
            continue;
        }
        let Ok(canon) = f.canonicalize() else {
            diags.push(
                Diagnostic::error(
                    Code::MissingPath,
                    format!("`{}` does not exist", f.display()),
                )
                .help("pass existing .vgo files, relative to the current directory"),
            );
            continue;
        };
        let Ok(rel) = canon.strip_prefix(&stacks_canon) else {
            continue; // outside the stacks tree: not an input of vigocli
        };
        if let Some(kind) = stacks::classify(rel, stacks_is_repo) {
            targets.push((rel.to_path_buf(), kind));
        }
    }
    targets.sort_by(|a, b| a.0.cmp(&b.0));
    targets.dedup_by(|a, b| a.0 == b.0);
    let checked: Vec<String> = targets
        .iter()
        .map(|(rel, _)| display_path(&settings.paths.repo, &stacks_root.join(rel)))
        .collect();

    let needs_tree = targets
        .iter()
        .any(|(_, k)| matches!(k, Kind::Common | Kind::Roles | Kind::Leaf));
    if needs_tree {
        let mut tree_diags = Diagnostics::default();
        stacks::load(settings, &catalog, &inputs, &mut tree_diags);
        let wanted: BTreeSet<&str> = checked.iter().map(String::as_str).collect();
        diags.extend(tree_diags.into_sorted().into_iter().filter(|d| {
            d.location
                .as_ref()
                .is_some_and(|l| wanted.contains(l.file.as_ref()))
        }));
    } else {
        for (rel, kind) in &targets {
            validate_one(settings, &catalog, &inputs, rel, *kind, &mut diags);
        }
    }
    FilesOutcome {
        diagnostics: diags.into_sorted(),
        checked,
    }
}

/// One configcrate, `configcrates/**/compliance.vgo` or waivers file, through the same
/// stages as in the whole-repository load.
fn validate_one(
    settings: &Settings,
    catalog: &crate::catalog::Catalog,
    inputs: &InputLog,
    rel: &Path,
    kind: Kind,
    diags: &mut Diagnostics,
) {
    let p = match stacks::parse_file(settings, rel, kind, inputs) {
        Ok(p) => p,
        Err(failed) => return diags.push(failed.diag),
    };
    let mut r = Reader::new(&p.src);
    match kind {
        Kind::Configcrate => {
            configcrates::read_configcrate(&mut r, &p, catalog);
        }
        Kind::CrateCompliance => {
            configcrates::read_inherited(&mut r, &p, catalog);
        }
        Kind::Waivers => {
            let waivers = waivers::read(&mut r, &p, catalog, settings);
            for (w, _) in waivers
                .iter()
                .filter(|(w, _)| w.state == WaiverState::Expired)
            {
                let mut d = super::resolve::expired_waiver(w);
                d.message
                    .push_str("; the whole-repository `check` fails on it");
                r.diags.push(d);
            }
        }
        Kind::Common | Kind::Roles | Kind::Leaf => {}
    }
    r.diags.extend(stacks::misplaced_waivers(&p));
    diags.extend(r.diags);
}
