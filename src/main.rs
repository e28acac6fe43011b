fn main() {
    // The TUI replaces this hook with one that restores the terminal first.
    recouvre::crash::install_panic_hook(|| {});
    recouvre::crash::default_sigpipe();
    let args: Vec<String> = std::env::args().collect();
    recouvre::cli::preselect_language(&args);
    // clap's help and errors in the user's language (see cli::localize).
    let cli = recouvre::cli::localize::parse_or_exit(&args);
    std::process::exit(recouvre::cli::run(cli));
}
