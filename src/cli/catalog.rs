//! Arguments of `catalog list`, `catalog show` and `catalog import`.

use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List the frameworks, capabilities and bundles.
    List(CatalogListArgs),
    /// Show the controls of one framework.
    Show(CatalogShowArgs),
    /// Turn an OSCAL catalog or a CSV list of controls into a framework YAML file (docs/catalogs.md).
    Import(CatalogImportArgs),
}

#[derive(Debug, Args)]
pub struct CatalogListArgs {
    /// Also read this catalog YAML file, or every *.yaml/*.yml file of this directory (e.g. <repo>/frameworks), over the built-ins (repeatable).
    #[arg(long, value_name = "PATH")]
    pub catalog: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CatalogShowArgs {
    /// Framework id or alias (e.g. hipaa, soc2, pci, nist-800-53, cis).
    pub framework: String,
    /// Also read this catalog YAML file, or every *.yaml/*.yml file of this directory (e.g. <repo>/frameworks), over the built-ins (repeatable).
    #[arg(long, value_name = "PATH")]
    pub catalog: Vec<PathBuf>,
    /// `text`: one control a line (id, tab, title); `json`: every field, parents included.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CatalogShowFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogShowFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// An OSCAL catalog, or a resolved profile catalog, in JSON.
    Oscal,
    /// A CSV file with the header `id,title[,parent,category,assessable]`.
    Csv,
}

#[derive(Debug, Args)]
pub struct CatalogImportArgs {
    /// The format of FILE.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub from: ImportFormat,
    /// The OSCAL JSON or CSV file to import.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The new framework's id (lower-case letters, digits, `.`, `_`, `-`): its tags are written `<ID>: [...]`.
    #[arg(long, value_name = "ID")]
    pub id: String,
    /// Its name (default: the OSCAL catalog's title; for CSV, the id).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Where its control list comes from (default: the file's title and name).
    #[arg(long, value_name = "TEXT")]
    pub source: Option<String>,
    /// Its version (default: the OSCAL catalog's version; for CSV, `unversioned`).
    #[arg(long, value_name = "V")]
    pub framework_version: Option<String>,
    /// Write here instead of <repo>/frameworks/<ID>.yaml (the repository's `[paths] frameworks`).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}
