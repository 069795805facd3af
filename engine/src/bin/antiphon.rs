//! `antiphon`: train, evaluate and play the drum model from the command line.

// The subcommands live in `src/cli/`, beside the library's modules rather than under `bin/`.
#[path = "../cli/mod.rs"]
mod cli;

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
    /// Train a model on a folder of drum MIDI files (or continue one with --init).
    Train(cli::train::TrainArgs),
    /// Score a model (or the n-gram baseline) on a folder of drum MIDI files.
    Eval(cli::eval::EvalArgs),
    /// Answer a call: prime the model with a MIDI file and write the generated response.
    Respond(cli::respond::RespondArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Train(args) => cli::train::run(args),
        Command::Eval(args) => cli::eval::run(args),
        Command::Respond(args) => cli::respond::run(args),
    }
}
