//! The `antiphon` tool as a user runs it: exit codes, messages and the files it writes. Every
//! command runs in a scratch folder outside the checkout, as an installed tool would, with
//! `RUST_BACKTRACE=1` as many developers' shells set it.

mod support;

use std::path::Path;

use support::{Run, Scratch, antiphon, demo_call, fixtures, model_folder, repo, text};

use antiphon_engine::families::drums::read::read_drums_file;
use antiphon_engine::midly::num::{u4, u7, u15, u28};
use antiphon_engine::midly::{
    Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind,
};

/// A one-track SMF: each `(channel, pitch)` a quarter note after the last, at 120 bpm in 4/4.
fn smf_with_notes(notes: &[(u8, u8)]) -> Vec<u8> {
    let mut track = Vec::new();
    for &(channel, key) in notes {
        let on = |vel: u8, delta: u32| TrackEvent {
            delta: u28::new(delta),
            kind: TrackEventKind::Midi {
                channel: u4::new(channel),
                message: MidiMessage::NoteOn {
                    key: u7::new(key),
                    vel: u7::new(vel),
                },
            },
        };
        track.push(on(90, 0));
        track.push(on(0, 480));
    }
    track.push(TrackEvent {
        delta: u28::new(0),
        kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
    });
    let smf = Smf {
        header: Header::new(Format::SingleTrack, Timing::Metrical(u15::new(480))),
        tracks: vec![track],
    };
    let mut bytes = Vec::new();
    smf.write_std(&mut bytes).unwrap();
    bytes
}

#[test]
fn numbers_out_of_range_are_refused_by_the_parser_with_the_range() {
    let scratch = Scratch::new("ranges");
    let call = demo_call();
    let data = fixtures();
    let model = model_folder();
    let out = scratch.join("model");
    let respond = [
        "respond",
        "--model",
        text(&model),
        "--call",
        text(&call),
        "--out",
        "answer.mid",
    ];
    let train = ["train", "--data", text(&data), "--out", text(&out)];
    let eval = ["eval", "--model", text(&model), "--data", text(&data)];
    let respond_cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["--bars", "4294967295"], "--bars", "from 1 to 64"),
        (vec!["--bars", "65"], "--bars", "from 1 to 64"),
        (vec!["--bars", "0"], "--bars", "from 1 to 64"),
        (vec!["--temperature=-1"], "--temperature", "from 0.05 to 5"),
        (
            vec!["--temperature", "nan"],
            "--temperature",
            "from 0.05 to 5",
        ),
        (
            vec!["--temperature", "inf"],
            "--temperature",
            "from 0.05 to 5",
        ),
        (
            vec!["--temperature", "0"],
            "--temperature",
            "from 0.05 to 5",
        ),
    ];
    let train_cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["--steps-per-seq", "0"], "--steps-per-seq", "from 2 to"),
        (vec!["--steps-per-seq", "1"], "--steps-per-seq", "from 2 to"),
        (vec!["--batch-size", "0"], "--batch-size", "1 or more"),
        (vec!["--epochs", "0"], "--epochs", "1 or more"),
        (vec!["--lr", "nan"], "--lr", "finite number above 0"),
        (vec!["--lr", "0"], "--lr", "finite number above 0"),
        (vec!["--lr=-0.001"], "--lr", "finite number above 0"),
        (vec!["--lr", "inf"], "--lr", "finite number above 0"),
        (vec!["--layers", "0"], "--layers", "from 1 to"),
        (vec!["--hidden", "0"], "--hidden", "from 1 to"),
        (
            vec!["--dropout", "1"],
            "--dropout",
            "up to (not including) 1",
        ),
        (vec!["--weight-decay", "nan"], "--weight-decay", "0 or more"),
        (vec!["--max-minutes", "0"], "--max-minutes", "above 0"),
    ];
    let eval_cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["--steps-per-seq", "0"], "--steps-per-seq", "from 2 to"),
        (vec!["--steps-per-seq", "1"], "--steps-per-seq", "from 2 to"),
    ];
    let all = respond_cases
        .into_iter()
        .map(|case| (&respond[..], case))
        .chain(train_cases.into_iter().map(|case| (&train[..], case)))
        .chain(eval_cases.into_iter().map(|case| (&eval[..], case)));
    for (command, (extra, flag, range)) in all {
        let args: Vec<&str> = command.iter().chain(&extra).copied().collect();
        let run = antiphon(&scratch.0, &args);
        assert_eq!(run.code, Some(2), "{args:?}\n{}", run.show());
        assert!(
            run.stderr.contains(&format!("for '{flag} <")) && run.stderr.contains(range),
            "{args:?} should name {flag} and {range:?}\n{}",
            run.show()
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.show());
    }
    // Nothing ran: no answer, no half-made model folder.
    assert!(!scratch.join("answer.mid").exists());
    assert!(!out.exists());
}

#[test]
fn respond_answers_with_the_shipped_model_from_any_folder() {
    let scratch = Scratch::new("respond");
    let call = demo_call();
    let respond = |model: &[&str], out: &str| {
        let args = [
            &["respond"][..],
            model,
            &[
                "--call",
                text(&call),
                "--bars",
                "2",
                "--seed",
                "3",
                "--out",
                out,
            ],
        ]
        .concat();
        antiphon(&scratch.0, &args)
    };
    let run = respond(&[], "answer.mid");
    assert_eq!(run.code, Some(0), "{}", run.show());
    assert!(run.value("log_likelihood").is_finite());
    assert!(
        run.stderr.contains("by the shipped model"),
        "{}",
        run.show()
    );
    assert!(!run.stderr.contains("warning"), "{}", run.show());
    let answer = read_drums_file(&scratch.join("answer.mid"))
        .unwrap()
        .sequence;
    assert_eq!(answer.steps.len(), 32);

    // The model folder the shipped model is built from answers the same, note for note.
    let model = model_folder();
    let run = respond(&["--model", text(&model)], "from-folder.mid");
    assert_eq!(run.code, Some(0), "{}", run.show());
    assert_eq!(
        std::fs::read(scratch.join("from-folder.mid")).unwrap(),
        std::fs::read(scratch.join("answer.mid")).unwrap()
    );
}

#[test]
fn a_one_bar_response_is_one_bar() {
    let scratch = Scratch::new("one-bar");
    let (call, model) = (demo_call(), model_folder());
    let run = antiphon(
        &scratch.0,
        &[
            "respond",
            "--model",
            text(&model),
            "--call",
            text(&call),
            "--bars",
            "1",
            "--out",
            "answer.mid",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.show());
    assert!(run.stderr.contains("response: 1 bar "), "{}", run.show());
    assert!(!run.stderr.contains("1 bars"), "{}", run.show());
}

#[test]
fn a_melody_is_answered_with_a_warning_saying_what_the_drum_model_heard() {
    let scratch = Scratch::new("melody");
    // A tune from middle C on channel 1, with one note too high for any drum class.
    let tune = [
        (0, 60),
        (0, 62),
        (0, 64),
        (0, 65),
        (0, 67),
        (0, 64),
        (0, 60),
        (0, 96),
    ];
    std::fs::write(scratch.join("tune.mid"), smf_with_notes(&tune)).unwrap();
    let model = model_folder();
    let run = antiphon(
        &scratch.0,
        &[
            "respond",
            "--model",
            text(&model),
            "--call",
            "tune.mid",
            "--out",
            "answer.mid",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.show());
    for expected in [
        "warning: tune.mid: 8 of 8 notes are not drum-kit notes",
        "pitch 60 as mid tom (2 notes)",
        "pitch 64 as low tom (2 notes)",
        "pitch 67 as open hat (1 note)",
        "nothing of pitch 96 (1 note left out)",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.show());
    }

    // Scoring a folder that holds the tune among drum files warns the same way.
    let data = scratch.join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::copy(scratch.join("tune.mid"), data.join("tune.mid")).unwrap();
    let drums = "drummer3-session1-12_rock_120_beat_4-4.mid";
    std::fs::copy(fixtures().join(drums), data.join(drums)).unwrap();
    let run = antiphon(
        &scratch.0,
        &["eval", "--model", text(&model), "--data", "data"],
    );
    assert_eq!(run.code, Some(0), "{}", run.show());
    let warning = run
        .stderr
        .lines()
        .find(|line| line.starts_with("warning: data: 8 of "))
        .unwrap_or_else(|| panic!("no warning\n{}", run.show()));
    assert!(
        warning.contains("pitch 60 as mid tom (2 notes)"),
        "{warning}"
    );
}

#[test]
fn eval_needs_a_data_folder_and_scores_the_shipped_model_by_default() {
    let scratch = Scratch::new("eval");
    let run = antiphon(&scratch.0, &["eval"]);
    assert_eq!(run.code, Some(2), "{}", run.show());
    assert!(run.stderr.contains("--data <DATA>"), "{}", run.show());

    let data = fixtures();
    let shipped = antiphon(&scratch.0, &["eval", "--data", text(&data)]);
    assert_eq!(shipped.code, Some(0), "{}", shipped.show());
    assert!(
        shipped.stderr.contains("3 files of the validation split"),
        "{}",
        shipped.show()
    );
    let nll = shipped.value("nll_per_step");
    assert!(nll > 0.0 && nll < 512f64.ln(), "{}", shipped.show());

    let model = model_folder();
    let folder = antiphon(
        &scratch.0,
        &["eval", "--model", text(&model), "--data", text(&data)],
    );
    assert_eq!(folder.code, Some(0), "{}", folder.show());
    assert_eq!(folder.stdout, shipped.stdout);

    let baseline = antiphon(
        &scratch.0,
        &["eval", "--baseline", "ngram4", "--data", text(&data)],
    );
    assert_eq!(baseline.code, Some(0), "{}", baseline.show());
    assert_eq!(baseline.value("steps"), shipped.value("steps"));
}

#[test]
fn the_groove_baseline_scores_every_hit_of_the_validation_split_and_only_drums() {
    let scratch = Scratch::new("groove-baseline");
    let data = fixtures();
    let run = antiphon(
        &scratch.0,
        &["eval", "--baseline", "groove", "--data", text(&data)],
    );
    assert_eq!(run.code, Some(0), "{}", run.show());
    // Every hit of the validation files info.csv names, as the drum reader quantizes them.
    let info = std::fs::read_to_string(data.join("info.csv")).unwrap();
    let hits: usize = info
        .lines()
        .filter(|line| line.contains(",validation"))
        .map(|line| {
            let file = line.split(',').find(|f| f.ends_with(".mid")).unwrap();
            let sequence = read_drums_file(&data.join(file)).unwrap().sequence;
            sequence.played_hits().count()
        })
        .sum();
    assert_eq!(run.value("hits"), hits as f64, "{}", run.show());
    for key in [
        "velocity_mae_class_mean",
        "velocity_mae_class_position_mean",
    ] {
        let mae = run.value(key);
        assert!(mae > 0.0 && mae < 127.0, "{key}: {}", run.show());
    }
    for key in ["timing_mae_class_mean", "timing_mae_class_position_mean"] {
        let mae = run.value(key);
        assert!(mae > 0.0 && mae < 1.0, "{key}: {}", run.show());
    }

    let melody = antiphon(
        &scratch.0,
        &[
            "eval",
            "--baseline",
            "groove",
            "--encoding",
            "melody",
            "--data",
            text(&data),
        ],
    );
    assert_eq!(melody.code, Some(1), "{}", melody.show());
    assert!(
        melody.stderr.contains("predicts drum hits"),
        "{}",
        melody.show()
    );
}

#[test]
fn eval_scores_the_test_split_of_an_info_csv() {
    let scratch = Scratch::new("test-split");
    let held_out = "drummer3-session2-26_hiphop_92_beat_4-4.mid";
    // GMD's own layout: one file each in train, validation and test.
    let gmd = scratch.join("gmd");
    std::fs::create_dir(&gmd).unwrap();
    for name in [
        "drummer3-session1-12_rock_120_beat_4-4.mid",
        "drummer6-session1-4_rock_80_beat_6-8.mid",
        held_out,
    ] {
        std::fs::copy(fixtures().join(name), gmd.join(name)).unwrap();
    }
    std::fs::write(
        gmd.join("info.csv"),
        format!(
            "midi_filename,split\n\
             drummer3-session1-12_rock_120_beat_4-4.mid,train\n\
             drummer6-session1-4_rock_80_beat_6-8.mid,validation\n\
             {held_out},test\n"
        ),
    )
    .unwrap();
    // The held-out file alone, to score whole.
    let alone = scratch.join("alone");
    std::fs::create_dir(&alone).unwrap();
    std::fs::copy(fixtures().join(held_out), alone.join(held_out)).unwrap();

    let model = model_folder();
    let eval = |data: &str, split: &str| {
        let args = [
            "eval",
            "--model",
            text(&model),
            "--data",
            data,
            "--split",
            split,
        ];
        antiphon(&scratch.0, &args)
    };
    let test = eval("gmd", "test");
    assert_eq!(test.code, Some(0), "{}", test.show());
    assert!(
        test.stderr
            .contains("1 train, 1 validation, 1 test, 0 unassigned"),
        "{}",
        test.show()
    );
    assert!(
        test.stderr.contains("1 file of the test split"),
        "{}",
        test.show()
    );
    let whole = eval("alone", "all");
    assert_eq!(whole.code, Some(0), "{}", whole.show());
    // The model's own lines (the simple groove predictors are fitted on each folder's train
    // split, which differ).
    let model_lines = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .filter(|line| !line.contains("_mean:") && !line.starts_with("hits:"))
            .map(str::to_owned)
            .collect()
    };
    assert!(test.stdout.contains("nll_per_step"), "{}", test.show());
    assert_eq!(model_lines(&test.stdout), model_lines(&whole.stdout));

    // A folder without info.csv has no test split, and says so.
    let none = eval("alone", "test");
    assert_eq!(none.code, Some(1), "{}", none.show());
    assert!(none.stderr.contains("no info.csv"), "{}", none.show());
}

#[test]
fn user_errors_are_one_line_without_a_backtrace() {
    let scratch = Scratch::new("errors");
    let (call, data, model) = (demo_call(), fixtures(), model_folder());
    let (call, data, model) = (text(&call), text(&data), text(&model));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "respond", "--model", "gone", "--call", call, "--out", "a.mid",
            ],
            "gone/config.json",
        ),
        (
            vec![
                "respond",
                "--model",
                model,
                "--call",
                "missing.mid",
                "--out",
                "a.mid",
            ],
            "missing.mid: cannot read the file",
        ),
        (
            vec![
                "respond",
                "--model",
                model,
                "--call",
                call,
                "--out",
                "no/such/a.mid",
            ],
            "cannot write no/such/a.mid",
        ),
        (
            vec!["eval", "--model", model, "--data", "nowhere"],
            "cannot load the data folder nowhere",
        ),
        (
            vec!["train", "--data", data, "--init", "gone", "--out", "m"],
            "gone/config.json",
        ),
        (
            // The shipped drums have a 64-unit groove head, which a continued model keeps.
            vec![
                "train",
                "--data",
                data,
                "--init",
                "drums",
                "--groove-units",
                "32",
                "--out",
                "m",
            ],
            "--groove-units: a groove head of 32 units was asked for, but the model to continue \
             has one of 64 units",
        ),
    ];
    for (args, expected) in cases {
        let run = antiphon(&scratch.0, &args);
        assert_eq!(run.code, Some(1), "{args:?}\n{}", run.show());
        let last = run.stderr.lines().last().unwrap_or_default();
        assert!(last.starts_with("error: "), "{args:?}\n{}", run.show());
        assert!(last.contains(expected), "{args:?}\n{}", run.show());
        for noise in ["Caused by", "backtrace", "panicked"] {
            assert!(!run.stderr.contains(noise), "{args:?}\n{}", run.show());
        }
        // The operating system's words appear once, not again as their own cause.
        let os_errors = run.stderr.matches("(os error").count();
        assert!(os_errors <= 1, "{args:?}\n{}", run.show());
    }
}

/// Flags that make training on the fixtures take a moment.
const TINY: [&str; 8] = [
    "--layers",
    "1",
    "--hidden",
    "8",
    "--batch-size",
    "4",
    "--epochs",
    "1",
];

/// Trains a tiny model on the fixtures into `out` (inside `scratch`), with `extra` flags.
fn train_tiny(scratch: &Scratch, out: &str, extra: &[&str]) -> Run {
    let data = fixtures();
    let args = [
        &["train", "--data", text(&data), "--out", out],
        &TINY[..],
        extra,
    ]
    .concat();
    antiphon(&scratch.0, &args)
}

#[test]
fn training_that_diverges_stops_and_writes_no_model() {
    let scratch = Scratch::new("diverge");
    // Finite, so the parser takes it, but beyond f32: the first step makes the weights infinite.
    let run = train_tiny(&scratch, "model", &["--lr", "1e300"]);
    assert_eq!(run.code, Some(1), "{}", run.show());
    assert!(
        run.stderr.contains("is not a finite number"),
        "{}",
        run.show()
    );
    assert!(
        run.stderr.contains("learning rate 1e300 is too high"),
        "{}",
        run.show()
    );
    assert!(!scratch.join("model").exists(), "{}", run.show());
}

#[test]
fn training_without_a_terminal_reports_progress_in_lines() {
    let scratch = Scratch::new("progress");
    // Far fewer batches than the 50 that used to pass between two lines.
    let run = train_tiny(&scratch, "model", &[]);
    assert_eq!(run.code, Some(0), "{}", run.show());
    // Its stderr is a pipe, not a terminal.
    assert!(run.stderr.contains("batch 1/"), "{}", run.show());
}

#[test]
fn a_trained_model_folder_is_usable_and_names_no_machine() {
    let scratch = Scratch::new("folder");
    let run = train_tiny(&scratch, "model", &[]);
    assert_eq!(run.code, Some(0), "{}", run.show());
    let card: serde_json::Value =
        serde_json::from_slice(&std::fs::read(scratch.join("model/card.json")).unwrap()).unwrap();
    // The data folder was given as an absolute path: the card keeps only its name.
    assert_eq!(card["data_path"], "groove");
    let data = fixtures();
    let scored = antiphon(
        &scratch.0,
        &["eval", "--model", "model", "--data", text(&data)],
    );
    assert_eq!(scored.code, Some(0), "{}", scored.show());
    assert!(scored.value("nll_per_step").is_finite());
}

#[cfg(unix)]
#[test]
fn the_weights_file_is_as_readable_as_the_rest_of_the_model_folder() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new("modes");
    let run = train_tiny(&scratch, "model", &[]);
    assert_eq!(run.code, Some(0), "{}", run.show());
    let mode = |name: &str| {
        let path = scratch.join("model").join(name);
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode("model.safetensors"), mode("config.json"));
    assert_eq!(mode("model.safetensors"), mode("card.json"));
}

#[test]
fn training_windows_on_every_bar_overlap_and_validation_stays_tiled() {
    let scratch = Scratch::new("hop-bars");
    let card = |out: &str, extra: &[&str]| {
        let run = train_tiny(&scratch, out, extra);
        assert_eq!(run.code, Some(0), "{}", run.show());
        let card = std::fs::read(scratch.join(out).join("card.json")).unwrap();
        serde_json::from_slice::<serde_json::Value>(&card).unwrap()
    };
    let tiled = card("tiled", &[]);
    let every_bar = card("every-bar", &["--hop-bars", "1"]);
    let count = |card: &serde_json::Value, key: &str| card[key].as_u64().unwrap();
    // 64-step windows on every bar: most steps are learned in several windows.
    assert!(count(&every_bar, "train_windows") > 2 * count(&tiled, "train_windows"));
    assert!(count(&every_bar, "train_steps") > 2 * count(&tiled, "train_steps"));
    for key in [
        "valid_windows",
        "valid_steps",
        "baseline_ngram4_valid_nll_per_step",
    ] {
        assert_eq!(every_bar[key], tiled[key], "{key}");
    }
    assert_eq!(every_bar["options"]["hop_bars"], 1);
    assert!(tiled["options"].get("hop_bars").is_none());
    let zero = train_tiny(&scratch, "none", &["--hop-bars", "0"]);
    assert_eq!(zero.code, Some(2), "{}", zero.show());
}

/// The `config.json` value `key` of the model folder `dir`.
fn config_value(dir: &Path, key: &str) -> serde_json::Value {
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("config.json")).unwrap()).unwrap();
    config[key].clone()
}

#[test]
fn continuing_a_model_keeps_its_dropout_unless_told_otherwise() {
    let scratch = Scratch::new("dropout");
    let run = train_tiny(&scratch, "first", &["--dropout", "0.1"]);
    assert_eq!(run.code, Some(0), "{}", run.show());
    assert_eq!(config_value(&scratch.join("first"), "dropout"), 0.1);

    let run = train_tiny(&scratch, "kept", &["--init", "first"]);
    assert_eq!(run.code, Some(0), "{}", run.show());
    assert_eq!(config_value(&scratch.join("kept"), "dropout"), 0.1);
    assert!(
        run.stderr.contains("dropout 0.1 (the model's own"),
        "{}",
        run.show()
    );

    let run = train_tiny(
        &scratch,
        "changed",
        &["--init", "first", "--dropout", "0.2"],
    );
    assert_eq!(run.code, Some(0), "{}", run.show());
    assert_eq!(config_value(&scratch.join("changed"), "dropout"), 0.2);
    assert!(
        run.stderr.contains("dropout 0.2 (from --dropout"),
        "{}",
        run.show()
    );
}

#[test]
fn a_model_with_weights_that_are_not_numbers_is_refused() {
    let scratch = Scratch::new("nan-model");
    let run = train_tiny(&scratch, "model", &[]);
    assert_eq!(run.code, Some(0), "{}", run.show());
    // What a diverged run used to save: the same tensors, every value NaN.
    let weights = scratch.join("model/model.safetensors");
    let tensors = candle_core::safetensors::load(&weights, &candle_core::Device::Cpu).unwrap();
    let nan: std::collections::HashMap<String, candle_core::Tensor> = tensors
        .into_iter()
        .map(|(name, tensor)| (name, (tensor * f64::NAN).unwrap()))
        .collect();
    candle_core::safetensors::save(&nan, &weights).unwrap();

    let call = demo_call();
    let respond = antiphon(
        &scratch.0,
        &[
            "respond",
            "--model",
            "model",
            "--call",
            text(&call),
            "--out",
            "a.mid",
        ],
    );
    let data = fixtures();
    let eval = antiphon(
        &scratch.0,
        &["eval", "--model", "model", "--data", text(&data)],
    );
    for run in [respond, eval] {
        assert_eq!(run.code, Some(1), "{}", run.show());
        assert!(
            run.stderr.contains("weights are not finite numbers"),
            "{}",
            run.show()
        );
    }
    assert!(!scratch.join("a.mid").exists());
}

#[test]
fn training_continues_the_shipped_model_from_any_folder() {
    let scratch = Scratch::new("init-shipped");
    let data = fixtures();
    let run = antiphon(
        &scratch.0,
        &[
            "train",
            "--data",
            text(&data),
            "--init",
            "shipped",
            "--out",
            "mine",
            "--epochs",
            "1",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.show());
    // The shipped model's shape and dropout (models/drums/config.json), not the defaults.
    let shipped: serde_json::Value =
        serde_json::from_slice(&std::fs::read(model_folder().join("config.json")).unwrap())
            .unwrap();
    for key in ["num_layers", "hidden_size", "dropout"] {
        assert_eq!(
            config_value(&scratch.join("mine"), key),
            shipped[key],
            "{key}"
        );
    }
    let card: serde_json::Value =
        serde_json::from_slice(&std::fs::read(scratch.join("mine/card.json")).unwrap()).unwrap();
    assert_eq!(card["init_model"], "drums");
}

#[test]
fn a_repeat_gate_is_fitted_on_held_out_files_and_the_model_scores_and_plays_with_it() {
    let scratch = Scratch::new("repeats");
    let (data, model) = (fixtures(), repo().join("tests/fixtures/models/tiny-drums"));
    let repeats = |more: &[&str]| {
        let mut args = vec!["repeats", "--model", text(&model), "--data", text(&data)];
        args.extend(["--split", "validation"]);
        args.extend(more);
        antiphon(&scratch.0, &args)
    };
    let run = repeats(&["--out", "fitted"]);
    assert_eq!(run.code, Some(0), "{}", run.show());
    assert!(
        run.stderr.contains("3 files of the validation split"),
        "{}",
        run.show()
    );
    let (lstm, mixed) = (run.value("lstm_nll_per_step"), run.value("nll_per_step"));
    assert!(mixed < lstm, "{}", run.show());
    // Each file scored by a gate fitted without it does worse than the gate fitted on it, and
    // the shares of the LSTM and the lookbacks sum to one.
    assert!(
        run.value("cross_fitted_nll_per_step") > mixed,
        "{}",
        run.show()
    );
    let shares: f64 = ["lstm", "1_bars", "2_bars", "4_bars", "8_bars"]
        .iter()
        .map(|name| run.value(&format!("share_{name}")))
        .sum();
    assert!((shares - 1.0).abs() < 1e-3, "{}", run.show());
    let fitted = scratch.join("fitted");
    let gate = config_value(&fitted, "repeat_gate");
    assert_eq!(
        gate["lookback_bars"],
        serde_json::json!([1, 2, 4, 8]),
        "{gate}"
    );
    assert_eq!(config_value(&fitted, "format_version"), 4);
    // The weights and the card are the model's own; the card records the fit beside its training.
    for name in ["model.safetensors", "README.md"] {
        let same =
            std::fs::read(fitted.join(name)).unwrap() == std::fs::read(model.join(name)).unwrap();
        assert!(same, "{name}");
    }
    let card = |dir: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join("card.json")).unwrap()).unwrap()
    };
    let (mut fitted_card, original) = (card(&fitted), card(&model));
    let fit = fitted_card
        .as_object_mut()
        .unwrap()
        .remove("repeats")
        .unwrap();
    assert_eq!(fitted_card, original);
    assert!(
        (fit["nll_per_step"].as_f64().unwrap() - mixed).abs() < 1e-4,
        "{fit}"
    );
    assert_eq!(fit["split"], "the validation split", "{fit}");
    assert!(
        fit["command"].as_str().unwrap().contains("repeats --model"),
        "{fit}"
    );
    // eval scores the same windows of the same files: the LSTM alone, then the model with its
    // gate, as the fit reported, and what the gate copies.
    let eval = antiphon(
        &scratch.0,
        &["eval", "--model", "fitted", "--data", text(&data)],
    );
    assert_eq!(eval.code, Some(0), "{}", eval.show());
    assert!(
        eval.stderr.contains("(with a repeat gate)"),
        "{}",
        eval.show()
    );
    assert!(
        (eval.value("lstm_nll_per_step") - lstm).abs() < 1e-3,
        "{}",
        eval.show()
    );
    assert!(
        (eval.value("nll_per_step") - mixed).abs() < 1e-3,
        "{}",
        eval.show()
    );
    assert!(
        (eval.value("share_1_bars") - run.value("share_1_bars")).abs() < 1e-3,
        "{}",
        eval.show()
    );
    // The fixed weights of format 3 are still fitted on request, and still score.
    let bars = repeats(&["--kind", "bars", "--out", "bars"]);
    assert_eq!(bars.code, Some(0), "{}", bars.show());
    let fixed = config_value(&scratch.join("bars"), "bar_repeats");
    assert!(fixed["bars_agree"].as_f64().unwrap() > 0.0, "{fixed}");
    assert!(bars.value("nll_per_step") < lstm, "{}", bars.show());
    // It answers a call.
    let respond = antiphon(
        &scratch.0,
        &[
            "respond",
            "--model",
            "fitted",
            "--call",
            text(&demo_call()),
            "--out",
            "answer.mid",
        ],
    );
    assert_eq!(respond.code, Some(0), "{}", respond.show());
    assert!(read_drums_file(&scratch.join("answer.mid")).is_ok());
}

#[test]
fn adapt_eval_learns_from_the_first_bars_and_scores_the_rest_both_ways() {
    let scratch = Scratch::new("adapt-eval");
    let (model, data) = (repo().join("tests/fixtures/models/tiny-drums"), fixtures());
    let adapt_eval = |more: &[&str]| {
        let mut args = vec!["adapt-eval", "--model", text(&model), "--data", text(&data)];
        args.extend(more);
        antiphon(&scratch.0, &args)
    };
    let run = adapt_eval(&[
        "--split",
        "all",
        "--heard-bars",
        "2",
        "--budget-ms",
        "20",
        "--learning-rate",
        "0.01",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.show());
    assert!(run.value("performances") >= 1.0, "{}", run.show());
    let (loaded, adapted) = (
        run.value("static_nll_per_step"),
        run.value("adapted_nll_per_step"),
    );
    // Learning from the player's bars moves the model toward the rest of what they play.
    assert!(adapted < loaded, "{}", run.show());
    assert!(
        (run.value("gain") - (1.0 - adapted / loaded)).abs() < 1e-3,
        "{}",
        run.show()
    );
    assert_eq!(run.value("budget_ms"), 20.0);
    assert!(run.stdout.contains("worst_gain: "), "{}", run.show());
    // Heard bars come in whole two-bar calls, and a folder with nothing long enough says so.
    let odd = adapt_eval(&["--heard-bars", "3"]);
    assert_ne!(odd.code, Some(0));
    assert!(odd.stderr.contains("two-bar calls"), "{}", odd.show());
    let long = adapt_eval(&["--split", "all", "--heard-bars", "200"]);
    assert_ne!(long.code, Some(0));
    assert!(long.stderr.contains("no performance"), "{}", long.show());
}

#[test]
fn respond_learns_from_the_calls_given_before_answering() {
    let scratch = Scratch::new("learn-from");
    let model = repo().join("tests/fixtures/models/tiny-drums");
    let beat = |name: &str| fixtures().join(name);
    let (first, second) = (
        beat("drummer3-session1-12_rock_120_beat_4-4.mid"),
        beat("drummer9-session1-12_rock_100_beat_4-4.mid"),
    );
    let respond = |learn_from: &[&str], out: &str| {
        let mut args = vec!["respond", "--model", text(&model), "--call"];
        args.extend([text(&first), "--seed", "5", "--out", out]);
        if !learn_from.is_empty() {
            args.push("--learn-from");
            args.extend(learn_from);
        }
        antiphon(&scratch.0, &args)
    };
    let run = respond(&[text(&first), text(&second)], "learned.mid");
    assert_eq!(run.code, Some(0), "{}", run.show());
    assert!(
        run.stderr.contains("learned from 2 calls"),
        "{}",
        run.show()
    );
    assert!(run.stderr.contains("bytes"), "{}", run.show());
    assert!(run.stderr.contains("model answers"), "{}", run.show());
    assert!(scratch.join("learned.mid").exists());
    // The same calls, seed and answer: the same file (the learner is deterministic).
    let again = respond(&[text(&first), text(&second)], "again.mid");
    assert_eq!(again.code, Some(0), "{}", again.show());
    assert_eq!(
        std::fs::read(scratch.join("again.mid")).unwrap(),
        std::fs::read(scratch.join("learned.mid")).unwrap()
    );
    // A call that is not MIDI is refused, naming it, and nothing is written.
    std::fs::write(scratch.join("broken.mid"), b"not a MIDI file").unwrap();
    let broken = respond(&["broken.mid"], "never.mid");
    assert_ne!(broken.code, Some(0));
    assert!(broken.stderr.contains("broken.mid"), "{}", broken.show());
    assert!(!scratch.join("never.mid").exists());
}
