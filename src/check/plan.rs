//! What `check` gates: the `[frameworks.<id>]` tables of vigocli.toml, every `--framework`
//! and the framework of every `--baseline`, with their thresholds merged.

use super::{Thresholds, diff};
use crate::catalog::Catalog;
use crate::diag::{Code, Diagnostic, Location};
use crate::settings::Settings;
use std::path::PathBuf;

/// What to gate, merged from the flags and vigocli.toml.
pub struct Plan {
    pub targets: Vec<Target>,
    pub expiring_days: i64,
}

pub struct Target {
    pub framework: usize,
    pub thresholds: Thresholds,
    /// `[frameworks.<id>]` in vigocli.toml, where the thresholds come from.
    pub location: Option<Location>,
    pub baseline: Option<(String, diff::ReportFile)>,
}

/// Flags of `check` that the plan needs (kept apart from clap types).
pub struct CheckFlags<'a> {
    pub frameworks: &'a [String],
    pub min_coverage: Option<f64>,
    pub min_assured: Option<f64>,
    pub baselines: &'a [PathBuf],
    pub expiring_days: Option<i64>,
}

fn percent_ok(v: f64) -> bool {
    v.is_finite() && (0.0..=100.0).contains(&v)
}

pub fn plan(
    settings: &Settings,
    catalog: &Catalog,
    flags: &CheckFlags<'_>,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    for (id, fc) in &settings.frameworks {
        // load() has already rejected unknown framework tables.
        let Some(fw) = catalog.framework_index(id) else {
            continue;
        };
        if targets.iter().any(|t| t.framework == fw) {
            continue;
        }
        let location = Some(fc.location.clone());
        for (key, v) in [
            ("min_coverage", fc.min_coverage),
            ("min_covered", fc.min_covered),
            ("min_assured", fc.min_assured),
        ] {
            if let Some(v) = v.filter(|v| !percent_ok(*v)) {
                errors.push(
                    Diagnostic::error(
                        Code::BadConfig,
                        format!("`[frameworks.{id}] {key} = {v}` is not a percentage"),
                    )
                    .at_opt(location.clone())
                    .help("use a number from 0 to 100, e.g. 90 or 92.5"),
                );
            }
        }
        targets.push(Target {
            framework: fw,
            thresholds: Thresholds {
                min_coverage: fc.min_coverage,
                min_covered: fc.min_covered,
                min_assured: fc.min_assured,
                must_cover: fc.must_cover.iter().map(|c| c.control.clone()).collect(),
                max_partial: fc.max_partial,
            },
            location,
            baseline: None,
        });
    }
    let mut flagged = Vec::new();
    for name in flags.frameworks {
        let Some(fw) = catalog.framework_index(name) else {
            errors.push(
                Diagnostic::error(
                    Code::UnknownFramework,
                    format!("--framework `{name}` names no framework"),
                )
                .help(crate::catalog::suggest_framework(catalog, name)),
            );
            continue;
        };
        flagged.push(fw);
        if !targets.iter().any(|t| t.framework == fw) {
            targets.push(Target {
                framework: fw,
                thresholds: Thresholds::default(),
                location: None,
                baseline: None,
            });
        }
    }
    // A flag's threshold applies to the frameworks given with --framework, else to every
    // gated framework, over vigocli.toml.
    type Set = fn(&mut Thresholds, f64);
    let threshold_flags: [(&str, Option<f64>, Set); 2] = [
        ("--min-coverage", flags.min_coverage, |t, v| {
            t.min_coverage = Some(v)
        }),
        ("--min-assured", flags.min_assured, |t, v| {
            t.min_assured = Some(v)
        }),
    ];
    for (flag, value, set) in threshold_flags {
        let Some(min) = value else {
            continue;
        };
        if !percent_ok(min) {
            errors.push(
                Diagnostic::error(
                    Code::BadArgument,
                    format!("{flag} {min} is not a percentage"),
                )
                .help(format!("use a number from 0 to 100, e.g. {flag} 90")),
            );
        } else if flags.frameworks.is_empty() && targets.is_empty() {
            errors.push(
                Diagnostic::error(
                    Code::BadArgument,
                    format!("{flag} has no framework to gate"),
                )
                .help("add --framework ID, or a `[frameworks.<id>]` table to vigocli.toml"),
            );
        }
        for t in &mut targets {
            if flagged.is_empty() || flagged.contains(&t.framework) {
                set(&mut t.thresholds, min);
            }
        }
    }
    for path in flags.baselines {
        match diff::read_report_file(path) {
            Ok(r) => {
                let display = path.display().to_string();
                let Some(fw) = catalog.framework_index(&r.framework.id) else {
                    errors.push(
                        Diagnostic::error(
                            Code::BadReport,
                            format!(
                                "baseline `{display}` is a report of `{}`, which no catalog defines",
                                r.framework.id
                            ),
                        )
                        .help("pass a report of a framework this repository defines"),
                    );
                    continue;
                };
                let idx = match targets.iter().position(|t| t.framework == fw) {
                    Some(i) => i,
                    None => {
                        targets.push(Target {
                            framework: fw,
                            thresholds: Thresholds::default(),
                            location: None,
                            baseline: None,
                        });
                        targets.len() - 1
                    }
                };
                if let Some((other, _)) = &targets[idx].baseline {
                    errors.push(
                        Diagnostic::error(
                            Code::BadArgument,
                            format!(
                                "two baselines for {}: `{other}` and `{display}`",
                                r.framework.id
                            ),
                        )
                        .help("pass one baseline report per framework"),
                    );
                    continue;
                }
                targets[idx].baseline = Some((display, r));
            }
            Err(d) => errors.extend(d),
        }
    }
    let expiring_days = flags.expiring_days.unwrap_or(settings.expiring_days);
    if expiring_days < 0 {
        errors.push(
            Diagnostic::error(Code::BadArgument, "--expiring-days must not be negative")
                .help("use a number of days, e.g. --expiring-days 30"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    targets.sort_by_key(|t| t.framework);
    Ok(Plan {
        targets,
        expiring_days,
    })
}
