//! The `umami` command: see the `umami_cli` library.

fn main() -> std::process::ExitCode {
    umami_cli::main()
}
