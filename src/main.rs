use clap::Parser;

fn main() {
    // The TUI replaces this hook with one that restores the terminal first.
    recouvre::crash::install_panic_hook(|| {});
    recouvre::crash::default_sigpipe();
    let args: Vec<String> = std::env::args().collect();
    recouvre::cli::preselect_language(&args);
    let cli = recouvre::cli::Cli::parse();
    std::process::exit(recouvre::cli::run(cli));
}
