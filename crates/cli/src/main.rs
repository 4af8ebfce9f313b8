//! `zh-search`, the indexer CLI: `zh-search index <SITE_DIR> --out <OUT_DIR>` writes the folder
//! a site owner copies to their server (element, engine, index, example page, types). The
//! engine is the same for every site and is inside this binary (`make cli`), so nothing is
//! compiled per site. Exit status 0, or 1 with one line saying what went wrong.

mod args;
mod engine;
mod error;
mod folder;
mod index;

use std::process::ExitCode;

use args::Command;
use error::CliError;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("zh-search: error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), CliError> {
    match args::parse(std::env::args_os().skip(1))? {
        Command::Help => print!("{}", args::USAGE),
        Command::Version => println!("zh-search {}", env!("CARGO_PKG_VERSION")),
        Command::Index(index_args) => {
            let summary = index::run(&index_args, &|name| std::env::var(name).ok())?;
            for warning in &summary.warnings {
                eprintln!("zh-search: warning: {warning}");
            }
            println!("{summary}");
        }
    }
    Ok(())
}
