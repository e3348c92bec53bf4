//! The `kauthz` binary: all work is in the library.

fn main() -> std::process::ExitCode {
    kauthz::cli::main()
}
