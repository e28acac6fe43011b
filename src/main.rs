use clap::Parser;

fn main() {
    // The TUI replaces this hook with one that restores the terminal first.
    recouvre::crash::install_panic_hook(|| {});
    recouvre::crash::default_sigpipe();
    let args: Vec<String> = std::env::args().collect();
    recouvre::cli::preselect_language(&args);
    let cli = match recouvre::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // A usage error may echo an argument: when one holds a control character, print the
        // message with it escaped (plain, without colours) instead of letting it reach the
        // terminal.
        Err(e) if args.iter().any(|a| a.chars().any(char::is_control)) => {
            let text = e.render().to_string();
            if e.use_stderr() {
                eprint!("{}", recouvre::present::printable(&text));
            } else {
                print!("{}", recouvre::present::printable(&text));
            }
            std::process::exit(e.exit_code());
        }
        Err(e) => e.exit(),
    };
    std::process::exit(recouvre::cli::run(cli));
}
