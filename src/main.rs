fn main() -> std::process::ExitCode {
    vigocli::run::main().into()
}
