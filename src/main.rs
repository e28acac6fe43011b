use clap::Parser;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    recouvre::cli::preselect_language(&args);
    let cli = recouvre::cli::Cli::parse();
    std::process::exit(recouvre::cli::run(cli));
}
