//! Running the `kauthz` binary the way the CLI tests and their snapshots need it: in the crate
//! root (so paths in output are relative and stable), without colour.

use std::path::Path;
use std::process::{Command, Stdio};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs kauthz with `args` (and `stdin`, if given); returns (exit code, stdout, stderr).
pub fn exec<S: AsRef<str>>(args: &[S], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kauthz"));
    cmd.current_dir(root())
        .args(args.iter().map(AsRef::as_ref))
        .env("NO_COLOR", "1");
    let out = if let Some(input) = stdin {
        use std::io::Write;
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    } else {
        cmd.output().unwrap()
    };
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The command line, exit code, stdout and stderr of one run, as the snapshots record it.
pub fn transcript<S: AsRef<str>>(args: &[S], stdin: Option<&str>) -> String {
    let (code, stdout, stderr) = exec(args, stdin);
    shown(args, code, &stdout, &stderr)
}

/// The snapshot form of a run whose output the caller already has.
pub fn shown<S: AsRef<str>>(args: &[S], code: i32, stdout: &str, stderr: &str) -> String {
    let line: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    format!(
        "$ kauthz {}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}",
        line.join(" ")
    )
}

/// An insta snapshot in the top-level `snapshots/` folder, named after the test file.
macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => true,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}
pub(crate) use snap;
