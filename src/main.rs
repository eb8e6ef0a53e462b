fn main() -> std::process::ExitCode {
    privdesk::logging::init();
    privdesk::cli::main()
}
