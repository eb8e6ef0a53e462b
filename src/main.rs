fn main() -> std::process::ExitCode {
    privdesk::cli::main()
}
