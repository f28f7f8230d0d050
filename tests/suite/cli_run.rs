//! How the command-line modules run the built `airgap` and read what it did.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// What a run of `airgap` did: its exit code and what it printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The built `airgap`, with colour left to its own terminal check.
pub fn airgap() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_airgap"));
    c.env_remove("NO_COLOR");
    c
}

fn finish(out: std::process::Output) -> Run {
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

pub fn run(args: &[&str]) -> Run {
    finish(airgap().args(args).output().expect("run airgap"))
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    finish(
        airgap()
            .args(args)
            .current_dir(dir)
            .output()
            .expect("run airgap"),
    )
}

pub fn run_with_stdin(args: &[&str], input: &str) -> Run {
    let mut child = airgap()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run airgap");
    // A command that refuses its flags exits before reading stdin: the pipe is then closed,
    // which is no failure of the test.
    if let Err(e) = child.stdin.take().unwrap().write_all(input.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    finish(child.wait_with_output().unwrap())
}

/// An empty folder of this test's own.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

pub fn count(t: &Value, ty: &str) -> usize {
    crate::common::count_of_type(t, ty)
}

#[track_caller]
pub fn assert_bad_input(r: &Run, mentions: &str) {
    assert_eq!(r.code, 2, "exit code; stderr:\n{}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "a failed run printed a result:\n{}",
        r.stdout
    );
    assert!(
        r.stderr.starts_with("error:") && r.stderr.contains(mentions),
        "stderr does not say `{mentions}`:\n{}",
        r.stderr
    );
}
