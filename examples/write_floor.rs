//! The write-only floor for `scripts/bench-cli.sh`: a Rust process that does nothing but write
//! as many bytes to stdout as `airgap synth` does, the way airgap writes them (one locked
//! `write_all`). Whatever `airgap synth` takes beyond this process is start-up, synthesis and
//! checks.
//!
//! `cargo run --release --example write_floor -- 25139 > /dev/null`

use std::io::Write;

fn main() {
    let bytes: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    // A template-like body: lines of JSON-ish text, not one repeated byte.
    let line = b"        \"Key\": \"Value\",\n";
    let body: Vec<u8> = line.iter().copied().cycle().take(bytes).collect();
    let mut out = std::io::stdout().lock();
    out.write_all(&body)
        .and_then(|()| out.flush())
        .expect("stdout takes the bytes");
}
