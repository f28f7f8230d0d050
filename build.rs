//! Writes the IAM catalog's offset tables (`$OUT_DIR/catalog_index.rs`) from
//! `src/iam/catalog.txt`, so the tables can never disagree with the text and no generated Rust
//! is kept beside it. Integers only: pointers into the text would be relocations the dynamic
//! loader patches at every start, and a table read at start-up would be work at every start.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::{env, fs};

const CATALOG: &str = "src/iam/catalog.txt";

fn main() {
    println!("cargo::rerun-if-changed={CATALOG}");
    let text = fs::read_to_string(CATALOG).expect("src/iam/catalog.txt is part of the crate");
    assert!(
        text.is_ascii(),
        "byte offsets are character boundaries only in ASCII text"
    );
    let (services, actions) = offsets(&text);
    let mut out = String::new();
    out.push_str(
        "/// Per service of `catalog.txt`, in its order: the byte offsets of its `S` line, of its\n\
         /// first `R` line (where its `K` lines end) and of its first `A` line (where its `R`\n\
         /// lines end), and the range of its actions in [`ACTIONS`].\n",
    );
    writeln!(
        out,
        "pub(super) static SERVICES: [[u32; 5]; {}] = [",
        services.len()
    )
    .unwrap();
    for row in &services {
        writeln!(out, "    {row:?},").unwrap();
    }
    out.push_str("];\n\n/// The byte offset of every `A` line of `catalog.txt`, in its order.\n");
    writeln!(
        out,
        "pub(super) static ACTIONS: [u32; {}] = {actions:?};",
        actions.len()
    )
    .unwrap();
    let path =
        PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog_index.rs");
    fs::write(path, out).expect("OUT_DIR is writable");
}

/// One pass over the lines: where each service's `S`, first `R` and first `A` line start, and
/// where every `A` line starts. A service without `R` or `A` lines has those regions empty,
/// where the next region starts.
fn offsets(text: &str) -> (Vec<[u32; 5]>, Vec<u32>) {
    let mut rows: Vec<[u32; 5]> = Vec::new();
    let mut actions = Vec::new();
    let mut offset = 0u32;
    for line in text.split_inclusive('\n') {
        match (line.get(..2), rows.last_mut()) {
            (Some("S\t"), _) => rows.push([offset, 0, 0, actions.len() as u32, 0]),
            (Some("R\t"), Some(row)) if row[1] == 0 => row[1] = offset,
            (Some("A\t"), Some(row)) => {
                if row[2] == 0 {
                    row[1] = if row[1] == 0 { offset } else { row[1] };
                    row[2] = offset;
                }
                actions.push(offset);
            }
            _ => {}
        }
        offset += u32::try_from(line.len()).expect("the catalog is far under 4 GB");
    }
    let next: Vec<[u32; 2]> = (rows.iter().skip(1).map(|r| [r[0], r[3]]))
        .chain([[offset, actions.len() as u32]])
        .collect();
    for (row, [end, end_action]) in rows.iter_mut().zip(next) {
        row[2] = if row[2] == 0 { end } else { row[2] };
        row[1] = if row[1] == 0 { row[2] } else { row[1] };
        row[4] = end_action;
    }
    (rows, actions)
}
