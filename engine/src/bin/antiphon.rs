//! `antiphon`: train, evaluate and play the drum model from the command line.

// The subcommands live in `src/cli/`, beside the library's modules rather than under `bin/`.
#[path = "../cli/mod.rs"]
mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Antiphon's drum model: train it on MIDI, score it, let it answer a call.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Train a model on a folder of MIDI files (or continue one with --init).
    Train(cli::train::TrainArgs),
    /// Score a model (the shipped one by default) or the n-gram baseline on a folder of drum
    /// MIDI files.
    Eval(cli::eval::EvalArgs),
    /// Hear a performance's first bars as calls, learn from them, and score the rest with the
    /// loaded model and the adapted one
    AdaptEval(cli::adapt_eval::AdaptEvalArgs),
    /// Fit how much the model repeats the bars before, on held-out files, and write the model
    /// with it.
    Repeats(cli::repeats::RepeatsArgs),
    /// Answer a call: prime the model with a MIDI file and write the generated response.
    Respond(cli::respond::RespondArgs),
    /// Two models answer each other phrase by phrase, from a call or from a phrase the first
    /// opens with; one MIDI track per model.
    Jam(cli::jam::JamArgs),
}

/// Runs the command. A failure the user can fix is one line on stderr and exit code 1 (clap's
/// own argument errors exit with 2); only a bug panics, with a backtrace if RUST_BACKTRACE asks.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(args) => cli::train::run(args),
        Command::Eval(args) => cli::eval::run(args),
        Command::AdaptEval(args) => cli::adapt_eval::run(args),
        Command::Repeats(args) => cli::repeats::run(args),
        Command::Respond(args) => cli::respond::run(args),
        Command::Jam(args) => cli::jam::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", cli::error_line::error_line(&error));
            ExitCode::FAILURE
        }
    }
}
