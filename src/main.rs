//! The `seamfire` command. All work happens in the library; see `seamfire --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    seamfire::cli::main()
}
